/**
 * Adyen standard-notification event codes Tally applies to internal records,
 * and the kind of object each one is about. Any other code is stored as ignored.
 */
const OBJECT_TYPE_BY_CODE: Record<string, string> = {
  AUTHORISATION: "payment",
  // A capture or cancellation changes the payment itself (named by originalReference).
  CAPTURE: "payment",
  CAPTURE_FAILED: "payment",
  CANCELLATION: "payment",
  CANCEL_OR_REFUND: "payment",
  REFUND: "refund",
  REFUND_FAILED: "refund",
  REFUNDED_REVERSED: "refund",
  CHARGEBACK: "dispute",
  SECOND_CHARGEBACK: "dispute",
  CHARGEBACK_REVERSED: "dispute",
  PREARBITRATION_WON: "dispute",
  PREARBITRATION_LOST: "dispute",
  REPORT_AVAILABLE: "report",
};

export const adyenObjectType = (eventCode: string): string | null => OBJECT_TYPE_BY_CODE[eventCode] ?? null;

export const isHandledAdyenCode = (eventCode: string): boolean =>
  Object.hasOwn(OBJECT_TYPE_BY_CODE, eventCode);

/** Codes whose item is a modification of the payment itself: the event is about `originalReference`. */
const PAYMENT_MODIFICATIONS = new Set(["CAPTURE", "CAPTURE_FAILED", "CANCELLATION"]);

/**
 * The object an item's event is about, so the payment's timeline lists its
 * captures and cancellations. Refunds and disputes are objects of their own
 * (their pspReference); a CANCEL_OR_REFUND is whichever Adyen says it did.
 */
export function adyenEventObject(item: {
  pspReference: string;
  originalReference?: unknown;
  eventCode: string;
  additionalData?: Record<string, unknown>;
}): { objectId: string; objectType: string | null } {
  const original =
    typeof item.originalReference === "string" && item.originalReference ? item.originalReference : null;
  const refund =
    item.eventCode === "CANCEL_OR_REFUND" && item.additionalData?.["modification.action"] === "refund";
  if (
    original &&
    (PAYMENT_MODIFICATIONS.has(item.eventCode) || (item.eventCode === "CANCEL_OR_REFUND" && !refund))
  )
    return { objectId: original, objectType: "payment" };
  return { objectId: item.pspReference, objectType: refund ? "refund" : adyenObjectType(item.eventCode) };
}
