/**
 * Adyen standard-notification event codes Tally applies to internal records,
 * and the kind of object each one is about. Any other code is stored as ignored.
 */
const OBJECT_TYPE_BY_CODE: Record<string, string> = {
  AUTHORISATION: "payment",
  CAPTURE: "capture",
  CAPTURE_FAILED: "capture",
  CANCELLATION: "cancellation",
  CANCEL_OR_REFUND: "cancellation",
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
