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
 */
export function mangopayRecordChange(
  kind: MangopayResourceKind,
  data: Record<string, unknown>,
): RecordChange | null {
  const fields = mangopayFields(kind, data);
  if (!fields) return null;
  const executed = Number(data.ExecutionDate);
  return {
    kind: RECORD_KIND[kind],
    objectId: fields.id,
    status: fields.status,
    amount: fields.amount,
    currency: fields.currency,
    parentId: kind === "refund" || kind === "dispute" ? fields.initialTransactionId : null,
    fee: kind === "payin" ? fields.fees : null,
    occurredAt: Number.isFinite(executed) && executed > 0 ? new Date(executed * 1000) : fields.created,
    details: {
      resultCode: fields.resultCode,
      resultMessage: typeof data.ResultMessage === "string" ? data.ResultMessage : null,
      ...(kind === "dispute" ? { disputeType: data.DisputeType ?? null } : {}),
    },
  };
}
