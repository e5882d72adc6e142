import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { config } from "@/lib/config";

const digest = (value: string) => createHash("sha256").update(value).digest();

/** True when METRICS_TOKEN is unset, or the request carries it as a Bearer token (compared in constant time). */
export function metricsRequestAllowed({ authorization }: { authorization: string | null }): boolean {
  const expected = config().METRICS_TOKEN;
  if (!expected) return true;
  const match = /^Bearer\s+(.+)$/i.exec(authorization ?? "");
  if (!match) return false;
  return timingSafeEqual(digest(match[1]!.trim()), digest(expected));
}
