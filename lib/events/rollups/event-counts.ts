import "server-only";
import { rawSql } from "@/db";
import type { EventStatus } from "@/db/schema";
import { bucketOf, OPEN_STATUSES, spanAndRawMinutes } from "./event-sql";

export type EventCountRow = {
  /** Start of the bucket (date_bin over received_at) as PostgreSQL prints it; null outside [from, to) or without buckets. */
  bucket: string | null;
  /** Received within [from, to). */
  inRange: boolean;
  /** Received within the last `recentSeconds` of the database's clock. */
  recent: boolean;
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

/**
 * Events received in [from, to), and optionally in the last `recentSeconds`
 * too (a second window, up to now and beyond, in the same pass), counted by
 * provider, type, status and recovered, per bucket; exactly what a scan of
 * `events` returns at this moment, in one statement (one snapshot):
 *
 * - whole minutes before the watermark, unless dirty: the counts of settled
 *   events, plus the live rows of the events that were still open then;
 * - dirty minutes, partial minutes at the windows' edges and the tail after
 *   the watermark: `events` itself, through the received_at index.
 *
 * Buckets must start on whole minutes (origin and width), so a rolled-up
 * minute falls in one bucket.
 */
export async function countEventsReceived({
  from,
  to,
  buckets,
  recentSeconds,
}: {
  from: Instant;
  to: Instant;
  buckets?: Buckets;
  recentSeconds?: number;
}): Promise<EventCountRow[]> {
  const sql = rawSql();
  const bucket = bucketOf(sql, buckets);
  const rows = await sql<(Omit<EventCountRow, "count"> & { count: string })[]>`
    with params as (
      select ${instantText(from)}::timestamptz as range_from, ${instantText(to)}::timestamptz as range_to,
        now() - make_interval(secs => ${recentSeconds ?? null}::float8) as recent_from
    ), bounds as (
      select least(range_from, recent_from) as lo,
        case when recent_from is null then range_to else 'infinity' end as hi,
        case when recent_from > range_from then recent_from end as split
      from params
    ), ${spanAndRawMinutes(sql)}, open_now as (
      -- Open now in a rolled-up minute: open at that minute's refresh too (a settled event reopens only
      -- through an operator, whose minutes are read raw), so among rollup_open_events. One index scan.
      select e.id, e.received_at, e.provider, e.type, e.status, e.recovered
      from events e, span
      where e.status in ${sql([...OPEN_STATUSES])} and e.received_at >= span.a and e.received_at < span.b
        and date_trunc('minute', e.received_at) not in (select minute from raw_minutes)
    ), counted as (
      select c.minute as at, c.provider, c.type, c.status, c.recovered, c.count
      from event_minute_counts c, span
      where c.minute >= span.a and c.minute < span.b and c.minute not in (select minute from raw_minutes)
      union all
      select received_at, provider, type, status, recovered, 1 from open_now
      union all
      -- Open at the refresh and settled since: looked up by id until the next refresh counts them.
      select o.minute, e.provider, e.type, e.status, e.recovered, 1
      from rollup_open_events o join events e on e.id = o.event_id, span
      where o.minute >= span.a and o.minute < span.b and o.minute not in (select minute from raw_minutes)
        and not exists (select 1 from open_now n where n.id = o.event_id)
      union all
      select e.received_at, e.provider, e.type, e.status, e.recovered, 1
      from events e, bounds, span
      where e.received_at >= bounds.lo and e.received_at < least(span.a, bounds.hi)
      union all
      select e.received_at, e.provider, e.type, e.status, e.recovered, 1
      from events e, bounds, span
      where e.received_at >= span.b and e.received_at < bounds.hi
      union all
      select e.received_at, e.provider, e.type, e.status, e.recovered, 1
      from raw_minutes m join events e on e.received_at >= m.minute and e.received_at < m.minute + interval '1 minute'
    )
    select case when at >= range_from and at < range_to then ${bucket} end as bucket,
      at >= range_from and at < range_to as "inRange", coalesce(at >= recent_from, false) as recent,
      provider, type, status, recovered, sum(count) as count
    from counted, params
    group by 1, 2, 3, 4, 5, 6, 7`;
  return rows.map((row) => ({ ...row, count: Number(row.count) }));
}
