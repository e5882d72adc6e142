import "server-only";
import { rawSql } from "@/db";
import { instantText, type Buckets, type Instant } from "./event-counts";
import { bucketOf, inLagHistogram, lagBinOf, lagUsOf, spanAndRawMinutes } from "./event-sql";

export type LagBinRow = { bucket: string | null; bin: number; count: number; minUs: number; maxUs: number };

/**
 * The lag histogram (lag-bins.ts) of events processed in [from, to),
 * optionally per bucket of processed_at: rolled-up minutes before the
 * watermark unless dirty, `events` (processed_at index) for the rest, in
 * one statement. Same bins either way, so the counts per bin are exact and
 * only turning bins into percentiles approximates.
 */
export async function lagHistogram({
  from,
  to,
  buckets,
}: {
  from: Instant;
  to: Instant;
  buckets?: Buckets;
}): Promise<LagBinRow[]> {
  const sql = rawSql();
  const bucket = bucketOf(sql, buckets);
  const rows = await sql<
    { bucket: string | null; bin: number; count: string; min_us: string; max_us: string }[]
  >`
    with bounds as (
      select ${instantText(from)}::timestamptz as lo, ${instantText(to)}::timestamptz as hi, null::timestamptz as split
    ), ${spanAndRawMinutes(sql)}, binned as (
      select l.minute as at, l.bin, l.count, l.lag_min_us, l.lag_max_us
      from event_minute_lag l, span
      where l.minute >= span.a and l.minute < span.b and l.minute not in (select minute from raw_minutes)
      union all
      select e.processed_at, ${lagBinOf(sql)}, 1, ${lagUsOf(sql)}, ${lagUsOf(sql)}
      from events e, bounds, span
      where e.processed_at >= bounds.lo and e.processed_at < least(span.a, bounds.hi) and ${inLagHistogram(sql)}
      union all
      select e.processed_at, ${lagBinOf(sql)}, 1, ${lagUsOf(sql)}, ${lagUsOf(sql)}
      from events e, bounds, span
      where e.processed_at >= span.b and e.processed_at < bounds.hi and ${inLagHistogram(sql)}
      union all
      select e.processed_at, ${lagBinOf(sql)}, 1, ${lagUsOf(sql)}, ${lagUsOf(sql)}
      from raw_minutes m join events e
        on e.processed_at >= m.minute and e.processed_at < m.minute + interval '1 minute'
      where ${inLagHistogram(sql)}
    )
    select ${bucket} as bucket, bin, sum(count) as count, min(lag_min_us) as min_us, max(lag_max_us) as max_us
    from binned group by 1, 2`;
  return rows.map((row) => ({
    bucket: row.bucket,
    bin: Number(row.bin),
    count: Number(row.count),
    minUs: Number(row.min_us),
    maxUs: Number(row.max_us),
  }));
}
