import "server-only";
import { and, asc, count, desc, sql } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/db";
import { events } from "@/db/schema";
import { parseSearchParams, type SearchParams } from "@/lib/http/search-params";
import { eventConditions, eventFilterFields } from "./filters";
import { summaryColumns } from "./queries";

export const EXPLORER_SORTS = ["received_at", "id", "type", "status", "attempts", "processed_at"] as const;
export const EXPLORER_PAGE_SIZES = [25, 50, 100] as const;

/** The explorer's URL: the filters the REST API takes, plus sorting and numbered pages. */
export const explorerQuerySchema = z.object({
  ...eventFilterFields,
  sort: z.enum(EXPLORER_SORTS).default("received_at"),
  dir: z.enum(["asc", "desc"]).default("desc"),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  size: z.coerce
    .number()
    .refine((size) => (EXPLORER_PAGE_SIZES as readonly number[]).includes(size))
    .default(50),
});
export type ExplorerQuery = z.infer<typeof explorerQuerySchema>;

/** Everything optional; a value the schema refuses falls back to its default. */
export function parseExplorerQuery(params: SearchParams): ExplorerQuery {
  return parseSearchParams(explorerQuerySchema, params);
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

/** One page of the events explorer, server-side filtered and sorted, with a capped total. */
export async function listExplorerEvents({ query }: { query: ExplorerQuery }) {
  const where = and(...eventConditions(query));
  const column = SORT_COLUMNS[query.sort];
  const order = query.dir === "asc" ? [asc(column), asc(events.id)] : [desc(column), desc(events.id)];
  const [rows, [counted]] = await Promise.all([
    db
      .select(summaryColumns)
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
