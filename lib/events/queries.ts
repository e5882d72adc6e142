import "server-only";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/db";
import { eventAttempts, events } from "@/db/schema";
import { keysetList } from "@/lib/http/cursor";
import { eventConditions, eventFilterFields } from "./filters";

/** The REST API's list query: the shared filters plus a keyset page. */
export const eventFiltersSchema = z.object({
  ...eventFilterFields,
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});
export type EventFilters = z.infer<typeof eventFiltersSchema>;

export const summaryColumns = {
  id: events.id,
  provider: events.provider,
  account: events.account,
  providerEventId: events.providerEventId,
  type: events.type,
  status: events.status,
  attempts: events.attempts,
  objectId: events.objectId,
  objectType: events.objectType,
  receivedAt: events.receivedAt,
  providerCreatedAt: events.providerCreatedAt,
  processedAt: events.processedAt,
  nextAttemptAt: events.nextAttemptAt,
  lastError: events.lastError,
  recovered: events.recovered,
};

/** Newest first, keyset-paginated on the id so deep pages stay as fast as the first. */
export async function listEvents({ filters }: { filters: EventFilters }) {
  return keysetList({
    query: db.select(summaryColumns).from(events).$dynamic(),
    id: events.id,
    where: eventConditions(filters),
    cursor: filters.cursor,
    limit: filters.limit,
  });
}

export async function getEvent({ id }: { id: number }) {
  const [event] = await db.select().from(events).where(eq(events.id, id)).limit(1);
  if (!event) return null;
  const attempts = await db
    .select()
    .from(eventAttempts)
    .where(eq(eventAttempts.eventId, id))
    .orderBy(asc(eventAttempts.attempt), asc(eventAttempts.id));
  return { event, attempts };
}

/**
 * Every event about these provider objects in provider order (the order
 * processing converges on), oldest first, up to `limit`.
 */
export async function listObjectEvents({
  provider,
  objectIds,
  limit = 1_000,
}: {
  provider: string;
  objectIds: string[];
  limit?: number;
}) {
  const ids = objectIds.filter(Boolean);
  if (ids.length === 0) return [];
  return db
    .select({
      id: events.id,
      providerEventId: events.providerEventId,
      type: events.type,
      status: events.status,
      objectId: events.objectId,
      recovered: events.recovered,
      providerCreatedAt: events.providerCreatedAt,
      receivedAt: events.receivedAt,
    })
    .from(events)
    .where(and(eq(events.provider, provider), inArray(events.objectId, ids)))
    .orderBy(sql`${events.providerCreatedAt} asc nulls last`, asc(events.id))
    .limit(limit);
}
export type ObjectEvent = Awaited<ReturnType<typeof listObjectEvents>>[number];

/** An event with its attempts and the other events about the same object, in provider order. */
export async function getEventDetail({ id }: { id: number }) {
  const found = await getEvent({ id });
  if (!found) return null;
  const { event } = found;
  const related = event.objectId
    ? await listObjectEvents({ provider: event.provider, objectIds: [event.objectId], limit: 200 })
    : [];
  return { ...found, related };
}

/** Objects of these types whose events were processed in the last `sinceSeconds`, for re-verification. */
export async function recentlyProcessedObjects({
  sinceSeconds,
  objectTypes,
  limit,
}: {
  sinceSeconds: number;
  objectTypes: string[];
  limit: number;
}): Promise<{ provider: string; objectType: string; objectId: string }[]> {
  const rows = await db.execute<{ provider: string; object_type: string; object_id: string }>(sql`
    select distinct provider, object_type, object_id from events
    where status = 'processed' and processed_at > now() - make_interval(secs => ${sinceSeconds})
      and object_id is not null and object_type = any(${objectTypes})
    limit ${limit}`);
  return [...rows].map((row) => ({
    provider: row.provider,
    objectType: row.object_type,
    objectId: row.object_id,
  }));
}
