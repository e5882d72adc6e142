import type { z } from "zod";

/** The one error type that crosses layers: a code users can act on, mapped to HTTP. */
export const ERROR_STATUS = {
  bad_request: 400,
  verification_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unavailable: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "AppError";
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;

/** True for failures that mean "the database cannot be reached right now". */
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  if (!code) return false;
  return (
    [
      "ECONNREFUSED",
      "ECONNRESET",
      "ETIMEDOUT",
      "EPIPE",
      "ENOTFOUND",
      "CONNECT_TIMEOUT",
      "CONNECTION_CLOSED",
      "CONNECTION_ENDED",
      "CONNECTION_DESTROYED",
    ].includes(code) ||
    // PostgreSQL: admin shutdown, cannot connect now, too many connections, read-only/recovery.
    ["57P01", "57P02", "57P03", "53300", "25006"].includes(code) ||
    code.startsWith("08")
  );
}

/**
 * Validates `value` with `schema`; the first problem becomes one 400 naming
 * the field, e.g. "Invalid body: rules.0.percent: Too small".
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what = "input"): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const path = issue.path.length ? `${issue.path.join(".")}: ` : "";
    throw new AppError("bad_request", `Invalid ${what}: ${path}${issue.message}`);
  }
  return result.data;
}
