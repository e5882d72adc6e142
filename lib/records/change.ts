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
    // Only the fact that knows the creation time states it (Adyen's AUTHORISATION, not its
    // CAPTURE; MangoPay's CreationDate, not the time the API was asked): reconciliation
    // selects records by it, so a later fact must never move it.
    providerCreatedAt: change.createdAt ?? null,
    occurredAt: change.occurredAt,
    data: change.details ?? {},
  };
}
