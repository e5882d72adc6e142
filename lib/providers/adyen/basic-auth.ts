import { createHash, timingSafeEqual } from "node:crypto";

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();

/**
 * Checks an `Authorization: Basic …` header against the configured pair.
 * Both sides are hashed first so the comparison is constant-time whatever the lengths.
 */
export function isValidBasicAuth(header: string | null, username: string, password: string): boolean {
  if (!header) return false;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return false;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const given = digest(decoded);
  const expected = digest(`${username}:${password}`);
  return timingSafeEqual(given, expected);
}
