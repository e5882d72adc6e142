import "server-only";
// Only the validator: the package root loads every Adyen API client (about 0.5 s and 45 MB per process).
import hmacValidatorModule from "@adyen/api-library/lib/src/utils/hmacValidator";
import type { NotificationRequestItem } from "@adyen/api-library/lib/src/typings/notification/models";
import type { AdyenItem } from "./normalise";

type HmacValidatorClass = typeof hmacValidatorModule;
// Node's ESM loader hands this CommonJS module over as its exports object; bundlers unwrap its default.
const HmacValidator =
  (hmacValidatorModule as unknown as { default?: HmacValidatorClass }).default ?? hmacValidatorModule;

/** Adyen's own HMAC validator for standard (payment) notifications. */
export const adyenHmacValidator = new HmacValidator();

/**
 * The item as the validator reads it. Adyen always sends `amount`; should an
 * item lack it, its fields sign as empty strings instead of the validator
 * throwing.
 */
export const signableItem = (item: Record<string, unknown>): NotificationRequestItem =>
  ({ ...item, amount: item.amount ?? {} }) as unknown as NotificationRequestItem;

/**
 * True when the item's `additionalData.hmacSignature` verifies under any of
 * the hex keys (several live while a key is rotated). An item without a
 * signature is not valid.
 */
export function isValidAdyenSignature(item: AdyenItem, hexKeys: readonly string[]): boolean {
  const signable = signableItem(item);
  let matched = false;
  // Every key is tried even after a match so timing does not reveal which key signed.
  for (const key of hexKeys) {
    try {
      if (adyenHmacValidator.validateHMAC(signable, key)) matched = true;
    } catch {
      // The validator throws when the item carries no hmacSignature.
    }
  }
  return matched;
}
