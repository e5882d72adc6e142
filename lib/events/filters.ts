import { eq, gte, lt, or, type SQL } from "drizzle-orm";
import { z } from "zod";
import { EVENT_STATUSES, events } from "@/db/schema";

/**
 * The filters every list of events takes, the REST API and the explorer
 * alike. `q` finds an event by Tally id, provider event id or object id.
 */
export const eventFilterFields = {
  provider: z.string().max(50).optional(),
  type: z.string().max(200).optional(),
  status: z.enum(EVENT_STATUSES).optional(),
  object_id: z.string().max(255).optional(),
  q: z.string().trim().max(255).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
};
export type EventFilterValues = z.infer<z.ZodObject<typeof eventFilterFields>>;

export function eventConditions(filters: EventFilterValues): SQL[] {
  const conditions: SQL[] = [];
  if (filters.provider) conditions.push(eq(events.provider, filters.provider));
  if (filters.type) conditions.push(eq(events.type, filters.type));
  if (filters.status) conditions.push(eq(events.status, filters.status));
  if (filters.object_id) conditions.push(eq(events.objectId, filters.object_id));
  if (filters.from) conditions.push(gte(events.receivedAt, filters.from));
  if (filters.to) conditions.push(lt(events.receivedAt, filters.to));
  if (filters.q) {
    const asId = /^\d{1,15}$/.test(filters.q) ? Number(filters.q) : undefined;
    conditions.push(
      or(
        eq(events.providerEventId, filters.q),
        eq(events.objectId, filters.q),
        asId === undefined ? undefined : eq(events.id, asId),
      )!,
    );
  }
  return conditions;
}
