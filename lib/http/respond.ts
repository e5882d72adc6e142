import { ZodError } from "zod";
import { AppError, isAppError, isDatabaseUnavailable } from "@/lib/errors";
import { log } from "@/lib/log";

export function errorResponse(status: number, message: string, headers?: HeadersInit): Response {
  return Response.json({ error: message }, { status, headers });
}

export type ErrorReply = { status: number; message: string; headers?: Record<string, string> };

/** Maps any thrown value to the status and message of its JSON error reply; unexpected ones are logged, never echoed. */
export function describeError(error: unknown, context: Record<string, unknown> = {}): ErrorReply {
  if (isAppError(error)) {
    const headers =
      error.code === "method_not_allowed" && error.details?.allow
        ? { allow: String(error.details.allow) }
        : undefined;
    return { status: error.status, message: error.message, headers };
  }
  if (error instanceof ZodError) {
    const issue = error.issues[0];
    const path = issue?.path.length ? `${issue.path.join(".")}: ` : "";
    return { status: 400, message: `Invalid input: ${path}${issue?.message ?? "invalid"}` };
  }
  if (isDatabaseUnavailable(error)) {
    log.warn({ ...context, err: error }, "database unavailable");
    return { status: 503, message: "Service temporarily unavailable: the database cannot be reached" };
  }
  log.error({ ...context, err: error }, "unhandled error");
  return { status: 500, message: "Internal error" };
}

/** The JSON error reply for any thrown value. */
export function responseForError(error: unknown, context: Record<string, unknown> = {}): Response {
  const { status, message, headers } = describeError(error, context);
  return errorResponse(status, message, headers);
}

export function methodNotAllowed(allow: readonly string[]): AppError {
  return new AppError("method_not_allowed", "Method not allowed", { allow: allow.join(", ") });
}
