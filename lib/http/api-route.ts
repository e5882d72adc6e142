import "server-only";
import type { z } from "zod";
import type { Principal } from "@/lib/auth/principal";
import { hasRole, type Role } from "@/lib/auth/roles";
import { principalForToken } from "@/lib/auth/tokens";
import { AppError, parseOrThrow } from "@/lib/errors";
import { responseForError } from "./respond";

type Schema = z.ZodType;
type Infer<S> = S extends Schema ? z.infer<S> : undefined;

type RouteSpec<Q extends Schema | undefined, B extends Schema | undefined, P extends Schema | undefined> = {
  role: Role;
  query?: Q;
  body?: B;
  params?: P;
  /** Raw text bodies (CSV uploads) instead of JSON. */
  rawBody?: boolean;
};

export type RouteInput<Q, B, P> = {
  request: Request;
  principal: Principal;
  query: Infer<Q>;
  body: Infer<B>;
  params: Infer<P>;
  text: string;
};

async function authenticate(request: Request): Promise<Principal> {
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new AppError("unauthorized", "Missing bearer token");
  const principal = await principalForToken(match[1]!);
  if (!principal) throw new AppError("unauthorized", "Invalid or revoked token");
  return principal;
}

/**
 * A REST route in the fixed order: parse (400) → authenticate (401) →
 * authorise (403) → work. Errors become `{"error": "..."}` with their status.
 */
export function apiRoute<
  Q extends Schema | undefined = undefined,
  B extends Schema | undefined = undefined,
  P extends Schema | undefined = undefined,
>(spec: RouteSpec<Q, B, P>, handler: (input: RouteInput<Q, B, P>) => Promise<Response>) {
  return async (
    request: Request,
    context?: { params?: Promise<Record<string, string>> },
  ): Promise<Response> => {
    try {
      const url = new URL(request.url);
      const query = spec.query
        ? parseOrThrow(spec.query, Object.fromEntries(url.searchParams), "query")
        : undefined;
      const params = spec.params
        ? parseOrThrow(spec.params, (await context?.params) ?? {}, "path")
        : undefined;
      let body: unknown;
      let text = "";
      if (spec.body || spec.rawBody) {
        text = await request.text();
        if (text.length > 10 * 1024 * 1024) throw new AppError("payload_too_large", "Body too large");
      }
      if (spec.body) {
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : {};
        } catch {
          throw new AppError("bad_request", "Body is not valid JSON");
        }
        body = parseOrThrow(spec.body, json, "body");
      }
      const principal = await authenticate(request);
      if (!hasRole(principal.role, spec.role)) {
        throw new AppError("forbidden", `This needs the ${spec.role} role; the token has ${principal.role}`);
      }
      return await handler({
        request,
        principal,
        query: query as Infer<Q>,
        body: body as Infer<B>,
        params: params as Infer<P>,
        text,
      });
    } catch (error) {
      return responseForError(error, { route: new URL(request.url).pathname });
    }
  };
}
