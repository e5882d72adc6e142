import "server-only";
import { and, asc, desc, eq, gte, lt, or, type SQL } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/db";
import { EVENT_STATUSES, eventAttempts, events } from "@/db/schema";
import { afterCursor, keysetPage } from "@/lib/http/cursor";

export const eventFiltersSchema = z.object({
  provider: z.string().max(50).optional(),
  type: z.string().max(200).optional(),
  status: z.enum(EVENT_STATUSES).optional(),
  object_id: z.string().max(255).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});
export type EventFilters = z.infer<typeof eventFiltersSchema>;

const summaryColumns = {
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

export function eventConditions(filters: Omit<EventFilters, "limit" | "cursor">): SQL[] {
  const conditions: SQL[] = [];
  if (filters.provider) conditions.push(eq(events.provider, filters.provider));
  if (filters.type) conditions.push(eq(events.type, filters.type));
  if (filters.status) conditions.push(eq(events.status, filters.status));
  if (filters.object_id) conditions.push(eq(events.objectId, filters.object_id));
  if (filters.from) conditions.push(gte(events.receivedAt, filters.from));
  if (filters.to) conditions.push(lt(events.receivedAt, filters.to));
  return conditions;
}

/** Newest first, keyset-paginated on the id so deep pages stay as fast as the first. */
export async function listEvents({ filters }: { filters: EventFilters }) {
  const conditions = eventConditions(filters);
  const after = afterCursor(events.id, filters.cursor);
  if (after) conditions.push(after);
  const rows = await db
    .select(summaryColumns)
    .from(events)
    .where(and(...conditions))
    .orderBy(desc(events.id))
    .limit(filters.limit + 1);
  return keysetPage(rows, filters.limit);
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

/** Finds an event by Tally id, provider event id or object id (the explorer's search box). */
export async function findEventIds({ search, limit = 20 }: { search: string; limit?: number }) {
  const asNumber = /^\d{1,15}$/.test(search) ? Number(search) : undefined;
  const rows = await db
    .select({ id: events.id })
    .from(events)
    .where(
      or(
        eq(events.providerEventId, search),
        eq(events.objectId, search),
        asNumber === undefined ? undefined : eq(events.id, asNumber),
      ),
    )
    .orderBy(desc(events.id))
    .limit(limit);
  return rows.map((row) => row.id);
}
