import type { RecordChange } from "../types";
import type { MangopayResourceKind } from "./event-types";
import { mangopayFields } from "./record-fields";

const RECORD_KIND: Record<MangopayResourceKind, RecordChange["kind"]> = {
  payin: "payment",
  payout: "payout",
  refund: "refund",
  dispute: "dispute",
};

/**
 * The record change a fetched MangoPay resource implies. Built only from what
 * the API returned (status, funds, links); the hook's claimed EventType plays
 * no part. Null when the API's answer is not a usable resource.
 *
 * `observedAt` is when the API gave this answer, and it orders the facts
 * about one resource: the API states the resource's state *now*, and its own
 * dates cannot (a dispute keeps its CreationDate through every status; a
 * pay-in has no ExecutionDate until it ends). A later answer is the newer truth.
 */
export function mangopayRecordChange(
  kind: MangopayResourceKind,
  data: Record<string, unknown>,
  observedAt: Date,
): RecordChange | null {
  const fields = mangopayFields(kind, data);
  if (!fields) return null;
  return {
    kind: RECORD_KIND[kind],
    objectId: fields.id,
    status: fields.status,
    amount: fields.amount,
    currency: fields.currency,
    parentId: kind === "refund" || kind === "dispute" ? fields.initialTransactionId : null,
    fee: kind === "payin" ? fields.fees : null,
    createdAt: fields.created,
    occurredAt: observedAt,
    details: {
      resultCode: fields.resultCode,
      resultMessage: typeof data.ResultMessage === "string" ? data.ResultMessage : null,
      executionDate: typeof data.ExecutionDate === "number" ? data.ExecutionDate : null,
      ...(kind === "dispute" ? { disputeType: data.DisputeType ?? null } : {}),
    },
  };
}
