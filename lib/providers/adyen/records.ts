import type { RecordChange } from "../types";
import type { AdyenItem } from "./normalise";

/**
 * Adyen has no object status of its own; a record's status is the last fact
 * Adyen reported about it, in Adyen's lifecycle words.
 */
export const ADYEN_PAYMENT_STATUSES = [
  "refused",
  "authorised",
  "cancelled",
  "captured",
  "capture_failed",
] as const;

const amountOf = (item: AdyenItem) => ({
  amount: typeof item.amount?.value === "number" ? item.amount.value : null,
  currency: typeof item.amount?.currency === "string" ? item.amount.currency.toLowerCase() : null,
});

const occurredAt = (item: AdyenItem): Date | null => {
  const date = item.eventDate ? new Date(item.eventDate) : null;
  return date && !Number.isNaN(date.getTime()) ? date : null;
};

/**
 * A dispute's status in Adyen's own words: `additionalData.disputeStatus` as
 * sent ("Undefended", "Pending", "Responded", "Accepted", "Expired", "Lost",
 * "Won"). Adyen omits it for some regions (Brazil); the event code, in lower
 * case, then stands in ("chargeback", "chargeback_reversed", …).
 */
const disputeStatus = (item: AdyenItem): string => {
  const status = item.additionalData?.disputeStatus;
  return typeof status === "string" && status.length > 0 ? status : item.eventCode.toLowerCase();
};

/**
 * The record changes one verified notification item implies. `success` is
 * Adyen's string "true"/"false"; an AUTHORISATION with "false" is a refusal,
 * recorded as such and never as a payment. Modifications (capture,
 * cancellation, refund, chargeback) point at the payment through
 * `originalReference`.
 */
export function adyenRecordChanges(item: AdyenItem): RecordChange[] {
  const succeeded = item.success === "true";
  const original =
    typeof item.originalReference === "string" && item.originalReference ? item.originalReference : null;
  const base = { occurredAt: occurredAt(item), ...amountOf(item) };
  // The item that creates an object (an AUTHORISATION, a REFUND, a CHARGEBACK) states its creation time.
  const created = { createdAt: base.occurredAt };
  const details = { merchantReference: item.merchantReference ?? null, reason: item.reason ?? null };
  const payment = (objectId: string, status: string): RecordChange => ({
    kind: "payment",
    objectId,
    status,
    ...base,
    ...created,
    details,
  });
  // Modifications carry their own amount and time; the payment's amount and creation
  // time come from its AUTHORISATION, whichever order the two arrive in.
  const paymentStatusOnly = (objectId: string, status: string): RecordChange => ({
    ...payment(objectId, status),
    amount: null,
    currency: null,
    createdAt: null,
  });

  switch (item.eventCode) {
    case "AUTHORISATION":
      // A refusal states no creation time: Adyen may authorise the same reference later, and
      // only that authorisation's time is the payment's (one stated value, whatever the order).
      return [
        succeeded
          ? payment(item.pspReference, "authorised")
          : { ...payment(item.pspReference, "refused"), createdAt: null },
      ];
    case "CAPTURE":
      return original && succeeded ? [paymentStatusOnly(original, "captured")] : [];
    case "CAPTURE_FAILED":
      return original && succeeded ? [paymentStatusOnly(original, "capture_failed")] : [];
    case "CANCELLATION":
      return original && succeeded ? [paymentStatusOnly(original, "cancelled")] : [];
    case "CANCEL_OR_REFUND": {
      if (!original || !succeeded) return [];
      const action = item.additionalData?.["modification.action"];
      return action === "refund"
        ? [
            {
              kind: "refund",
              objectId: item.pspReference,
              status: "refunded",
              parentId: original,
              ...base,
              ...created,
              details,
            },
          ]
        : [paymentStatusOnly(original, "cancelled")];
    }
    case "REFUND":
      return [
        {
          kind: "refund",
          objectId: item.pspReference,
          status: succeeded ? "refunded" : "refused",
          parentId: original,
          ...base,
          ...created,
          details,
        },
      ];
    case "REFUND_FAILED":
      return succeeded
        ? [
            {
              kind: "refund",
              objectId: item.pspReference,
              status: "refund_failed",
              parentId: original,
              ...base,
              details,
            },
          ]
        : [];
    case "REFUNDED_REVERSED":
      return succeeded
        ? [
            {
              kind: "refund",
              objectId: item.pspReference,
              status: "refunded_reversed",
              parentId: original,
              ...base,
              details,
            },
          ]
        : [];
    // Every event of one dispute carries the dispute's own pspReference (originalReference is
    // the payment), so they all land on one dispute record; the latest event decides its status.
    case "CHARGEBACK":
    case "SECOND_CHARGEBACK":
    case "PREARBITRATION_LOST":
    case "CHARGEBACK_REVERSED":
    case "PREARBITRATION_WON":
      return [
        {
          kind: "dispute",
          objectId: item.pspReference,
          status: disputeStatus(item),
          parentId: original,
          ...base,
          ...(item.eventCode === "CHARGEBACK" ? created : {}),
          details: { ...details, eventCode: item.eventCode },
        },
      ];
    case "REPORT_AVAILABLE":
      // The report's file name is its pspReference; `reason` holds the download URL.
      return [
        {
          kind: "report",
          objectId: item.pspReference,
          status: "available",
          amount: null,
          currency: null,
          occurredAt: base.occurredAt,
          ...created,
          details: { url: item.reason ?? null },
        },
      ];
    default:
      return [];
  }
}
