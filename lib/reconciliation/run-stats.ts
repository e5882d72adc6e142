import "server-only";
import { rawSql } from "@/db";

export type RunDurationBucket = {
  provider: string;
  status: string;
  /** How many of the bounds are at or above the duration. */
  boundsAtOrAbove: number;
  count: number;
  sumSeconds: number;
};

/**
 * Durations of finished reconciliation runs by provider and status, counted
 * into histogram buckets in one pass: `width_bucket` over the negated bounds
 * (lib/monitoring/precomputed-histogram.ts `negatedBounds`) counts the
 * bounds at or above each duration.
 */
export async function runDurationBuckets({
  negatedBounds,
}: {
  negatedBounds: readonly number[];
}): Promise<RunDurationBucket[]> {
  const sql = rawSql();
  const rows = await sql<
    { provider: string; status: string; bounds_at_or_above: number; count: number; sum: number }[]
  >`
    select provider, status,
      width_bucket(-duration_s, ${negatedBounds as number[]}::float8[]) as bounds_at_or_above,
      count(*)::float8 as count, sum(duration_s)::float8 as sum
    from (
      select provider, status, greatest(extract(epoch from (finished_at - started_at)), 0)::float8 as duration_s
      from reconciliation_runs
      where finished_at is not null and started_at is not null
    ) runs group by 1, 2, 3`;
  return rows.map((row) => ({
    provider: row.provider,
    status: row.status,
    boundsAtOrAbove: Number(row.bounds_at_or_above),
    count: Number(row.count),
    sumSeconds: Number(row.sum),
  }));
}
