import { AppError } from "@/lib/errors";

/** Opaque keyset cursors: base64url JSON, so clients never build them by hand. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

export function decodeCursor<T>(
  cursor: string | undefined,
  check: (value: unknown) => value is T,
): T | undefined {
  if (!cursor) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (check(value)) return value;
  } catch {
    // fall through
  }
  throw new AppError("bad_request", "Invalid cursor");
}
