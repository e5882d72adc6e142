import "server-only";
import { and, asc, count, desc, eq, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/db";
import { EVENT_STATUSES, events } from "@/db/schema";
import { eventConditions, getEvent } from "@/lib/events/queries";

export const EXPLORER_SORTS = ["received_at", "id", "type", "status", "attempts", "processed_at"] as const;
export type ExplorerSort = (typeof EXPLORER_SORTS)[number];
export const EXPLORER_PAGE_SIZES = [25, 50, 100] as const;

const blankToUndefined = (value: unknown) => (value === "" || value === null ? undefined : value);

/** The explorer's URL search params: everything optional, bad values fall back to defaults. */
export const explorerQuerySchema = z.object({
  provider: z.preprocess(blankToUndefined, z.string().max(50).optional()).catch(undefined),
  type: z.preprocess(blankToUndefined, z.string().max(200).optional()).catch(undefined),
  status: z.preprocess(blankToUndefined, z.enum(EVENT_STATUSES).optional()).catch(undefined),
  q: z.preprocess(blankToUndefined, z.string().trim().max(255).optional()).catch(undefined),
  from: z.preprocess(blankToUndefined, z.coerce.date().optional()).catch(undefined),
  to: z.preprocess(blankToUndefined, z.coerce.date().optional()).catch(undefined),
  sort: z.enum(EXPLORER_SORTS).catch("received_at"),
  dir: z.enum(["asc", "desc"]).catch("desc"),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
  size: z.coerce
    .number()
    .refine((size) => (EXPLORER_PAGE_SIZES as readonly number[]).includes(size))
    .catch(50),
});
export type ExplorerQuery = z.infer<typeof explorerQuerySchema>;

export function parseExplorerQuery(params: Record<string, string | string[] | undefined>): ExplorerQuery {
  const flat = Object.fromEntries(
    Object.entries(params).map(([key, value]) => [key, Array.isArray(value) ? value[0] : value]),
  );
  return explorerQuerySchema.parse(flat);
}

const SORT_COLUMNS = {
  received_at: events.receivedAt,
  id: events.id,
  type: events.type,
  status: events.status,
  attempts: events.attempts,
  processed_at: events.processedAt,
} as const;

// Counting every match on a large table is slow and nobody pages that far: stop counting here.
export const COUNT_CAP = 10_000;

function explorerConditions(query: ExplorerQuery): SQL[] {
  const conditions = eventConditions({
    provider: query.provider,
    type: query.type,
    status: query.status,
    from: query.from,
    to: query.to,
  });
  if (query.q) {
    const asId = /^\d{1,15}$/.test(query.q) ? Number(query.q) : undefined;
    conditions.push(
      or(
        eq(events.providerEventId, query.q),
        eq(events.objectId, query.q),
        asId === undefined ? undefined : eq(events.id, asId),
      )!,
    );
  }
  return conditions;
}

/** One page of the events explorer, server-side filtered and sorted, with a capped total. */
export async function listExplorerEvents({ query }: { query: ExplorerQuery }) {
  const where = and(...explorerConditions(query));
  const column = SORT_COLUMNS[query.sort];
  const order = query.dir === "asc" ? [asc(column), asc(events.id)] : [desc(column), desc(events.id)];
  const [rows, [counted]] = await Promise.all([
    db
      .select({
        id: events.id,
        provider: events.provider,
        providerEventId: events.providerEventId,
        type: events.type,
        status: events.status,
        attempts: events.attempts,
        objectId: events.objectId,
        receivedAt: events.receivedAt,
        processedAt: events.processedAt,
        lastError: events.lastError,
      })
      .from(events)
      .where(where)
      .orderBy(...order)
      .limit(query.size)
      .offset((query.page - 1) * query.size),
    db.select({ total: count() }).from(
      db
        .select({ one: sql`1` })
        .from(events)
        .where(where)
        .limit(COUNT_CAP + 1)
        .as("capped"),
    ),
  ]);
  const total = Number(counted?.total ?? 0);
  return { rows, total: Math.min(total, COUNT_CAP), totalCapped: total > COUNT_CAP };
}

export type ExplorerRow = Awaited<ReturnType<typeof listExplorerEvents>>["rows"][number];

// The drop-down values change rarely; scanning a month of events on every page view does not pay.
const FACETS_TTL_MS = 60_000;
let facetsCache: { at: number; value: Promise<{ providers: string[]; types: string[] }> } | undefined;

/** Values for the filter drop-downs (providers and types seen in the last 30 days). */
export function explorerFacets() {
  if (!facetsCache || Date.now() - facetsCache.at > FACETS_TTL_MS) {
    const value = loadFacets();
    facetsCache = { at: Date.now(), value };
    value.catch(() => (facetsCache = undefined));
  }
  return facetsCache.value;
}

async function loadFacets() {
  const rows = await db.execute<{ provider: string; type: string }>(
    sql`select distinct provider, type from events where received_at >= now() - interval '30 days' order by 1, 2 limit 500`,
  );
  const list = [...rows];
  return {
    providers: [...new Set(list.map((row) => row.provider))],
    types: [...new Set(list.map((row) => row.type))],
  };
}

/** An event with its attempts and the other events about the same object, in provider order. */
export async function getEventDetail({ id }: { id: number }) {
  const found = await getEvent({ id });
  if (!found) return null;
  const { event } = found;
  const related = event.objectId
    ? await db
        .select({
          id: events.id,
          type: events.type,
          status: events.status,
          providerEventId: events.providerEventId,
          providerCreatedAt: events.providerCreatedAt,
          receivedAt: events.receivedAt,
        })
        .from(events)
        .where(and(eq(events.provider, event.provider), eq(events.objectId, event.objectId)))
        .orderBy(asc(events.providerCreatedAt), asc(events.id))
        .limit(200)
    : [];
  return { ...found, related };
}
