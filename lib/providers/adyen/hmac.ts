import { createHmac, timingSafeEqual } from "node:crypto";

/** The fields of a standard notification item that Adyen signs. */
export type SignedItemFields = {
  pspReference?: unknown;
  originalReference?: unknown;
  merchantAccountCode?: unknown;
  merchantReference?: unknown;
  amount?: { value?: unknown; currency?: unknown } | null;
  eventCode?: unknown;
  success?: unknown;
};

const field = (value: unknown): string =>
  typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? String(value) : "";

/**
 * Adyen's signing string for a standard notification item: eight fields in a
 * fixed order joined with ':', a missing field counting as the empty string.
 */
export function adyenSigningString(item: SignedItemFields): string {
  return [
    field(item.pspReference),
    field(item.originalReference),
    field(item.merchantAccountCode),
    field(item.merchantReference),
    field(item.amount?.value),
    field(item.amount?.currency),
    field(item.eventCode),
    field(item.success),
  ].join(":");
}

/** HMAC-SHA256 over the signing string with the hex-decoded key, base64-encoded. */
export function adyenHmac(item: SignedItemFields, hexKey: string): string {
  return createHmac("sha256", Buffer.from(hexKey, "hex"))
    .update(adyenSigningString(item), "utf8")
    .digest("base64");
}

/** True when `signature` matches the item under any of the keys (several live while a key is rotated). */
export function isValidAdyenHmac(
  item: SignedItemFields,
  signature: unknown,
  hexKeys: readonly string[],
): boolean {
  if (typeof signature !== "string" || signature.length === 0) return false;
  const given = Buffer.from(signature, "utf8");
  let matched = false;
  // Every key is tried even after a match so timing does not reveal which key signed.
  for (const key of hexKeys) {
    const expected = Buffer.from(adyenHmac(item, key), "utf8");
    if (expected.length === given.length && timingSafeEqual(expected, given)) matched = true;
  }
  return matched;
}
