import "server-only";
import type { Sql } from "postgres";
import type { Buckets } from "./event-counts";
import { LAG_EDGES_LITERAL } from "./lag-bins";

/** Statuses an event leaves only through an operator action (which marks its minutes dirty). */
export const SETTLED_STATUSES = ["processed", "dead", "ignored", "discarded"] as const;
/** Statuses the worker still moves on by itself. */
export const OPEN_STATUSES = ["pending", "processing", "retrying"] as const;

/** Receive → processed lag of events row `e`, in whole microseconds (timestamps have that precision). */
export const lagUsOf = (sql: Sql) =>
  sql`(extract(epoch from (e.processed_at - e.received_at)) * 1000000)::bigint`;

/** The lag bin of events row `e` (see lag-bins.ts: the number of edges below the lag). */
export const lagBinOf = (sql: Sql) => sql`width_bucket(${lagUsOf(sql)} - 1, ${LAG_EDGES_LITERAL}::bigint[])`;

/** Events that count in the lag histogram, as the raw queries have always chosen them. */
export const inLagHistogram = (sql: Sql) =>
  sql`e.status = 'processed' and not e.recovered and e.processed_at is not null`;

/**
 * CTEs over a one-row `bounds` CTE (lo, hi: the window read; split: an
 * instant inside it that a rolled-up minute must not straddle, or null):
 * `span` (a, b: the whole minutes of the window the rollup answers, those
 * before the watermark) and `raw_minutes` (minutes in [a, b) read from
 * events instead: dirty ones, and the one `split` falls in).
 */
export const spanAndRawMinutes = (sql: Sql) => sql`
  span as (
    select aligned.a, greatest(aligned.a, least(
      coalesce((select watermark from rollup_state where id = 1), '-infinity'),
      date_trunc('minute', bounds.hi))) as b
    from bounds, lateral (select case when date_trunc('minute', bounds.lo) = bounds.lo then bounds.lo
      else date_trunc('minute', bounds.lo) + interval '1 minute' end as a) aligned
  ), raw_minutes as (
    select d.minute from rollup_dirty_minutes d, span where d.minute >= span.a and d.minute < span.b
    union
    select date_trunc('minute', bounds.split) from bounds, span
    where date_trunc('minute', bounds.split) <> bounds.split
      and date_trunc('minute', bounds.split) >= span.a and date_trunc('minute', bounds.split) < span.b
  )`;

/**
 * The bucket of a row's instant `at` (date_bin), or null without buckets. A
 * rolled-up minute must fall in one bucket, so buckets start and end on whole minutes.
 */
export function bucketOf(sql: Sql, buckets: Buckets | undefined) {
  if (!buckets) return sql`null::timestamptz`;
  if (buckets.origin.getTime() % 60_000 !== 0 || buckets.seconds % 60 !== 0 || buckets.seconds <= 0)
    throw new Error("Rollup buckets must start and end on whole minutes");
  return sql`date_bin(make_interval(secs => ${buckets.seconds}), at, ${buckets.origin.toISOString()}::timestamptz)`;
}
