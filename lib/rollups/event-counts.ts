import "server-only";
import { rawSql } from "@/db";
import type { EventStatus } from "@/db/schema";
import { spanAndDirty } from "./event-sql";

export type EventCountRow = {
  /** Bucket start (date_bin over received_at) as PostgreSQL prints it; null without buckets. */
  bucket: string | null;
  provider: string;
  type: string;
  status: EventStatus;
  recovered: boolean;
  count: number;
};

export type Buckets = { origin: Date; seconds: number };

/** A Date, or a timestamp PostgreSQL reads (its own output, 'infinity'). */
export type Instant = Date | string;

export const instantText = (instant: Instant) =>
  typeof instant === "string" ? instant : instant.toISOString();

/** A rolled-up minute must fall in one bucket. */
export function assertWholeMinutes(buckets: Buckets) {
  if (buckets.origin.getTime() % 60_000 !== 0 || buckets.seconds % 60 !== 0 || buckets.seconds <= 0)
    throw new Error("Rollup buckets must start and end on whole minutes");
}

/**
 * Events received in [from, to), counted by provider, type, status and
 * recovered, optionally per bucket; exactly what a scan of `events` returns
 * at this moment, in one statement (one snapshot):
 *
 * - whole minutes before the watermark, unless dirty: the counts of settled
 *   events, plus the live rows of the events that were still open;
 * - dirty minutes, the partial first minute and the tail after the
 *   watermark: `events` itself, through the received_at index.
 *
 * Buckets must start on whole minutes (origin and width), so a rolled-up
 * minute falls in one bucket.
 */
export async function countEventsReceived({
  from,
  to,
  buckets,
}: {
  from: Instant;
  to: Instant;
  buckets?: Buckets;
}): Promise<EventCountRow[]> {
  const sql = rawSql();
  const fromIso = instantText(from);
  const toIso = instantText(to);
  if (buckets) assertWholeMinutes(buckets);
  const bucketOf = (column: string) =>
    buckets
      ? sql`date_bin(make_interval(secs => ${buckets.seconds}), ${sql(column)}, ${buckets.origin.toISOString()}::timestamptz)`
      : sql`null::timestamptz`;
  const rows = await sql<(Omit<EventCountRow, "count"> & { count: string })[]>`
    with ${spanAndDirty(sql, { fromIso, toIso })}, counted as (
      select c.minute as at, c.provider, c.type, c.status, c.recovered, c.count
      from event_minute_counts c, span
      where c.minute >= span.a and c.minute < span.b and c.minute not in (select minute from dirty)
      union all
      select o.minute, e.provider, e.type, e.status, e.recovered, 1
      from rollup_open_events o join events e on e.id = o.event_id, span
      where o.minute >= span.a and o.minute < span.b and o.minute not in (select minute from dirty)
      union all
      select e.received_at, e.provider, e.type, e.status, e.recovered, 1
      from events e, span
      where e.received_at >= ${fromIso}::timestamptz and e.received_at < least(span.a, ${toIso}::timestamptz)
      union all
      select e.received_at, e.provider, e.type, e.status, e.recovered, 1
      from events e, span
      where e.received_at >= span.b and e.received_at < ${toIso}::timestamptz
      union all
      select e.received_at, e.provider, e.type, e.status, e.recovered, 1
      from dirty d join events e on e.received_at >= d.minute and e.received_at < d.minute + interval '1 minute'
    )
    select ${bucketOf("at")} as bucket, provider, type, status, recovered, sum(count) as count
    from counted group by 1, 2, 3, 4, 5`;
  return rows.map((row) => ({ ...row, count: Number(row.count) }));
}
