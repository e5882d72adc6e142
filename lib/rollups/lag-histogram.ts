import "server-only";
import { rawSql } from "@/db";
import { assertWholeMinutes, instantText, type Buckets, type Instant } from "./event-counts";
import { inLagHistogram, lagBinOf, lagUsOf, spanAndDirty } from "./event-sql";

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
  const fromIso = instantText(from);
  const toIso = instantText(to);
  if (buckets) assertWholeMinutes(buckets);
  const bucket = buckets
    ? sql`date_bin(make_interval(secs => ${buckets.seconds}), at, ${buckets.origin.toISOString()}::timestamptz)`
    : sql`null::timestamptz`;
  const rows = await sql<
    { bucket: string | null; bin: number; count: string; min_us: string; max_us: string }[]
  >`
    with ${spanAndDirty(sql, { fromIso, toIso })}, binned as (
      select l.minute as at, l.bin, l.count, l.lag_min_us, l.lag_max_us
      from event_minute_lag l, span
      where l.minute >= span.a and l.minute < span.b and l.minute not in (select minute from dirty)
      union all
      select e.processed_at, ${lagBinOf(sql)}, 1, ${lagUsOf(sql)}, ${lagUsOf(sql)}
      from events e, span
      where e.processed_at >= ${fromIso}::timestamptz and e.processed_at < least(span.a, ${toIso}::timestamptz)
        and ${inLagHistogram(sql)}
      union all
      select e.processed_at, ${lagBinOf(sql)}, 1, ${lagUsOf(sql)}, ${lagUsOf(sql)}
      from events e, span
      where e.processed_at >= span.b and e.processed_at < ${toIso}::timestamptz and ${inLagHistogram(sql)}
      union all
      select e.processed_at, ${lagBinOf(sql)}, 1, ${lagUsOf(sql)}, ${lagUsOf(sql)}
      from dirty d join events e
        on e.processed_at >= d.minute and e.processed_at < d.minute + interval '1 minute'
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
