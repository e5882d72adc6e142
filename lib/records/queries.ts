import "server-only";
import { and, asc, eq, or, sql } from "drizzle-orm";
import { db } from "@/db";
import { events, records, type InternalRecord } from "@/db/schema";

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

/**
 * The internal record for any provider object id, with every event about it
 * in provider order. A payment also lists its group (charges, refunds, disputes).
 */
export async function getObject({ provider, objectId }: { provider: string; objectId: string }) {
  const [record] = await db
    .select()
    .from(records)
    .where(and(eq(records.provider, provider), eq(records.objectId, objectId)))
    .limit(1);
  const objectEvents = await db
    .select({
      id: events.id,
      providerEventId: events.providerEventId,
      type: events.type,
      status: events.status,
      providerCreatedAt: events.providerCreatedAt,
      receivedAt: events.receivedAt,
      recovered: events.recovered,
    })
    .from(events)
    .where(and(eq(events.provider, provider), eq(events.objectId, objectId)))
    .orderBy(sql`${events.providerCreatedAt} asc nulls first`, asc(events.id));
  if (!record && objectEvents.length === 0) return null;
  const related =
    record && record.paymentId
      ? await db
          .select()
          .from(records)
          .where(
            and(
              eq(records.provider, provider),
              or(eq(records.paymentId, record.paymentId), eq(records.objectId, record.paymentId)),
            ),
          )
          .orderBy(asc(records.providerCreatedAt), asc(records.id))
      : [];
  return {
    record: record ?? null,
    related: related.filter((row) => row.objectId !== objectId),
    events: objectEvents,
  };
}
