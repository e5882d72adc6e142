import { ZodError } from "zod";
import { AppError, isAppError, isDatabaseUnavailable } from "@/lib/errors";
import { log } from "@/lib/log";

export function errorResponse(status: number, message: string, headers?: HeadersInit): Response {
  return Response.json({ error: message }, { status, headers });
}

/** Maps any thrown value to the JSON error reply; unexpected ones are logged, never echoed. */
export function responseForError(error: unknown, context: Record<string, unknown> = {}): Response {
  if (isAppError(error)) {
    const headers =
      error.code === "method_not_allowed" && error.details?.allow
        ? { allow: String(error.details.allow) }
        : undefined;
    return errorResponse(error.status, error.message, headers);
  }
  if (error instanceof ZodError) {
    const issue = error.issues[0];
    const path = issue?.path.length ? `${issue.path.join(".")}: ` : "";
    return errorResponse(400, `Invalid input: ${path}${issue?.message ?? "invalid"}`);
  }
  if (isDatabaseUnavailable(error)) {
    log.warn({ ...context, err: error }, "database unavailable");
    return errorResponse(503, "Service temporarily unavailable: the database cannot be reached");
  }
  log.error({ ...context, err: error }, "unhandled error");
  return errorResponse(500, "Internal error");
}

export function methodNotAllowed(allow: readonly string[]): AppError {
  return new AppError("method_not_allowed", "Method not allowed", { allow: allow.join(", ") });
}
