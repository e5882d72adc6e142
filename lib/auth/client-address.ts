/**
 * The client's address for rate limiting: the first X-Forwarded-For hop when
 * a proxy sets it, else X-Real-IP. A forged header only moves a caller to
 * another per-address bucket; the per-e-mail limit still applies.
 */
export function clientAddress(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  const address = forwarded || headers.get("x-real-ip")?.trim() || "unknown";
  return address.slice(0, 64);
}
