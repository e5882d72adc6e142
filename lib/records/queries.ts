import "server-only";
import { and, asc, eq, or } from "drizzle-orm";
import { db } from "@/db";
import { records, type InternalRecord } from "@/db/schema";
import { listObjectEvents } from "@/lib/events/queries";

const iso = (date: Date | null | undefined) => date?.toISOString() ?? null;

export function serializeRecord(record: InternalRecord) {
  return {
    provider: record.provider,
    object_id: record.objectId,
    kind: record.kind,
    status: record.status,
    amount: record.amount,
    currency: record.currency,
    amount_refunded: record.amountRefunded,
    disputed: record.disputed,
    customer_id: record.customerId,
    payment_id: record.paymentId,
    charge_id: record.chargeId,
    parent_id: record.parentId,
    fee: record.fee,
    net: record.net,
    provider_created_at: iso(record.providerCreatedAt),
    last_event_at: iso(record.lastEventAt),
    last_event_id: record.lastEventId,
    updated_at: iso(record.updatedAt),
  };
}

/** Tally's record of one provider object (payment intent, charge, refund, dispute, payout…), if it has one. */
export async function getRecord({
  provider,
  objectId,
}: {
  provider: string;
  objectId: string;
}): Promise<InternalRecord | null> {
  const [record] = await db
    .select()
    .from(records)
    .where(and(eq(records.provider, provider), eq(records.objectId, objectId)))
    .limit(1);
  return record ?? null;
}

/** The other records of a record's payment group (its payment, charges, refunds, disputes). */
async function groupOf(record: InternalRecord): Promise<InternalRecord[]> {
  if (!record.paymentId) return [];
  const group = await db
    .select()
    .from(records)
    .where(
      and(
        eq(records.provider, record.provider),
        or(eq(records.paymentId, record.paymentId), eq(records.objectId, record.paymentId)),
      ),
    )
    .orderBy(asc(records.providerCreatedAt), asc(records.id));
  return group.filter((row) => row.objectId !== record.objectId);
}

/**
 * The internal record for any provider object id, with every event about it
 * in provider order. A payment also lists its group (charges, refunds, disputes).
 */
export async function getObject({ provider, objectId }: { provider: string; objectId: string }) {
  const [record, objectEvents] = await Promise.all([
    getRecord({ provider, objectId }),
    listObjectEvents({ provider, objectIds: [objectId] }),
  ]);
  if (!record && objectEvents.length === 0) return null;
  return { record, related: record ? await groupOf(record) : [], events: objectEvents };
}
