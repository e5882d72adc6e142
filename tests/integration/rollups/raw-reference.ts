/**
 * The overview's and metrics' figures computed the way Tally did before the
 * rollups: straight scans of `events`. The rollup-backed functions must
 * return the same (the lag percentiles within the histogram's bound).
 */
import { rawSql } from "@/db";
import { EVENT_STATUSES, type EventStatus } from "@/db/schema";
import { bucketStarts, type ResolvedRange } from "@/lib/dashboard/range";
import { LAG_EDGES_LITERAL, LAG_METRIC_BUCKETS_S } from "@/lib/events/rollups/lag-bins";

const seconds = (range: ResolvedRange) => range.bucketMs / 1000;

/** Bucket start (ms) → key → count, zero-free. */
export type Buckets = Map<number, Map<string, number>>;

async function bucketed(range: ResolvedRange, key: string): Promise<Buckets> {
  const sql = rawSql();
  const rows = await sql<{ bucket: string; key: string; value: string }[]>`
    select date_bin(make_interval(secs => ${seconds(range)}), received_at, ${range.from.toISOString()}::timestamptz) as bucket,
      ${sql.unsafe(key)} as key, count(*) as value
    from events
    where received_at >= ${range.from.toISOString()} and received_at < ${range.to.toISOString()}
    group by 1, 2`;
  const result: Buckets = new Map();
  for (const row of rows) {
    const t = new Date(row.bucket).getTime();
    const keys = result.get(t) ?? new Map<string, number>();
    keys.set(row.key, Number(row.value));
    result.set(t, keys);
  }
  return result;
}

export const rawVolumeByStatus = (range: ResolvedRange) => bucketed(range, "status");
export const rawVolumeByType = (range: ResolvedRange) => bucketed(range, "provider || ' · ' || type");

/** A chart's points as the same zero-free map, for comparison. */
export function chartToBuckets(points: ({ t: number } & Record<string, number>)[]): Buckets {
  const result: Buckets = new Map();
  for (const { t, ...values } of points) {
    const keys = new Map(Object.entries(values).filter(([, value]) => value !== 0));
    if (keys.size > 0) result.set(t, keys);
  }
  return result;
}

export async function rawKpiCounts() {
  const sql = rawSql();
  const [row] = await sql<{ total: string; processed: string; failed: string; backlog: string }[]>`
    select count(*) as total,
      count(*) filter (where status = 'processed') as processed,
      count(*) filter (where status in ('dead', 'retrying')) as failed,
      count(*) filter (where status in ('pending', 'retrying', 'processing')) as backlog
    from events where received_at >= now() - interval '24 hours'`;
  const processed = Number(row!.processed);
  const failed = Number(row!.failed);
  return {
    eventsLast24h: Number(row!.total),
    successRate: processed + failed === 0 ? null : processed / (processed + failed),
    backlog: Number(row!.backlog),
  };
}

/** Exact percentile_cont per bucket of processed_at. */
export async function rawLagSeries(range: ResolvedRange) {
  const sql = rawSql();
  const rows = await sql<{ bucket: string; p50: number; p95: number; p99: number }[]>`
    select date_bin(make_interval(secs => ${seconds(range)}), processed_at, ${range.from.toISOString()}::timestamptz) as bucket,
      percentile_cont(0.5) within group (order by lag_ms) as p50,
      percentile_cont(0.95) within group (order by lag_ms) as p95,
      percentile_cont(0.99) within group (order by lag_ms) as p99
    from (
      select processed_at, extract(epoch from (processed_at - received_at)) * 1000 as lag_ms
      from events
      where processed_at >= ${range.from.toISOString()} and processed_at < ${range.to.toISOString()}
        and status = 'processed' and not recovered
    ) processed
    group by 1`;
  const byBucket = new Map(rows.map((row) => [new Date(row.bucket).getTime(), row]));
  const round = (value: number | undefined) => (value == null ? null : Math.round(Number(value)));
  return bucketStarts(range).map((t) => {
    const row = byBucket.get(t);
    return { t, p50: round(row?.p50), p95: round(row?.p95), p99: round(row?.p99) };
  });
}

/** `bucket|bin` → count, from events, with the same bins. */
export async function rawLagBins(range: ResolvedRange): Promise<Map<string, number>> {
  const sql = rawSql();
  const rows = await sql<{ bucket: string; bin: number; count: string }[]>`
    select date_bin(make_interval(secs => ${seconds(range)}), processed_at, ${range.from.toISOString()}::timestamptz) as bucket,
      width_bucket((extract(epoch from (processed_at - received_at)) * 1000000)::bigint - 1, ${LAG_EDGES_LITERAL}::bigint[]) as bin,
      count(*) as count
    from events
    where processed_at >= ${range.from.toISOString()} and processed_at < ${range.to.toISOString()}
      and status = 'processed' and not recovered
    group by 1, 2`;
  return new Map(rows.map((row) => [`${new Date(row.bucket).getTime()}|${row.bin}`, Number(row.count)]));
}

export async function rawCountsByStatus(): Promise<Record<EventStatus, number>> {
  const sql = rawSql();
  const rows = await sql<{ status: EventStatus; count: string }[]>`
    select status, count(*) as count from events group by status`;
  const counts = Object.fromEntries(EVENT_STATUSES.map((status) => [status, 0])) as Record<
    EventStatus,
    number
  >;
  for (const row of rows) counts[row.status] = Number(row.count);
  return counts;
}

/** `provider|type|status|recovered` → count over every event. */
export async function rawEventTotals(): Promise<Map<string, number>> {
  const sql = rawSql();
  const rows = await sql<
    { provider: string; type: string; status: string; recovered: boolean; count: string }[]
  >`
    select provider, type, status, recovered, count(*) as count from events group by 1, 2, 3, 4`;
  return new Map(
    rows.map((row) => [`${row.provider}|${row.type}|${row.status}|${row.recovered}`, Number(row.count)]),
  );
}

/** Per provider: the metric's cumulative-free bucket counts and the sum of lags in seconds. */
export async function rawLagMetric(): Promise<Map<string, { perBucket: number[]; sum: number }>> {
  const sql = rawSql();
  const negated = [...LAG_METRIC_BUCKETS_S].reverse().map((bound) => -bound);
  const rows = await sql<{ provider: string; at_or_above: number; count: number; sum: number }[]>`
    select provider, width_bucket(-lag_s, ${negated}::float8[]) as at_or_above,
      count(*)::float8 as count, sum(lag_s)::float8 as sum
    from (
      select provider, greatest(extract(epoch from (processed_at - received_at)), 0)::float8 as lag_s
      from events where status = 'processed' and processed_at is not null and not recovered
    ) lags group by 1, 2`;
  const result = new Map<string, { perBucket: number[]; sum: number }>();
  for (const row of rows) {
    const series = result.get(row.provider) ?? {
      perBucket: new Array<number>(LAG_METRIC_BUCKETS_S.length + 1).fill(0),
      sum: 0,
    };
    series.perBucket[LAG_METRIC_BUCKETS_S.length - Number(row.at_or_above)]! += Number(row.count);
    series.sum += Number(row.sum);
    result.set(row.provider, series);
  }
  return result;
}
