import type { RecordChange } from "@/lib/providers/types";
import type { RecordSnapshot } from "./snapshot";

/** Adapts a provider-neutral change (MangoPay, Adyen) to a record snapshot. */
export function snapshotFromChange(provider: string, change: RecordChange): RecordSnapshot {
  const parent = change.parentId ?? null;
  return {
    provider,
    kind: change.kind,
    objectId: change.objectId,
    status: change.status,
    amount: change.amount,
    currency: change.currency?.toLowerCase() ?? null,
    paymentId: change.kind === "payment" ? change.objectId : (parent ?? change.objectId),
    parentId: parent,
    fee: change.fee ?? null,
    providerCreatedAt: change.kind === "payment" || change.kind === "payout" ? change.occurredAt : null,
    occurredAt: change.occurredAt,
    data: change.details ?? {},
  };
}
