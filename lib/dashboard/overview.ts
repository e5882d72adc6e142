import "server-only";
import { rawSql } from "@/db";
import { EVENT_STATUSES, type EventStatus } from "@/db/schema";
import { lagPercentiles } from "@/lib/events/stats";
import { sumByCurrency, type MoneyByCurrency } from "./money";
import { bucketStarts, type ResolvedRange } from "./range";

export type OverviewKpis = {
  eventsLast24h: number;
  successRate: number | null;
  lagP50Ms: number | null;
  lagP95Ms: number | null;
  deadLetters: number;
  backlog: number;
  openDiscrepancies: number;
  amountAtRisk: MoneyByCurrency;
};

/** The headline numbers. Success rate counts events that reached an end state in the last 24 h. */
export async function getOverviewKpis(): Promise<OverviewKpis> {
  const sql = rawSql();
  const [[recent], [dead], lag, discrepancies] = await Promise.all([
    sql<{ total: string; processed: string; failed: string; backlog: string }[]>`
      select count(*) as total,
        count(*) filter (where status = 'processed') as processed,
        count(*) filter (where status in ('dead', 'retrying')) as failed,
        count(*) filter (where status in ('pending', 'retrying', 'processing')) as backlog
      from events where received_at >= now() - interval '24 hours'`,
    sql<{ count: string }[]>`select count(*) as count from events where status = 'dead'`,
    lagPercentiles({ windowMinutes: 60 }),
    openDiscrepancyExposure(),
  ]);
  const processed = Number(recent?.processed ?? 0);
  const failed = Number(recent?.failed ?? 0);
  return {
    eventsLast24h: Number(recent?.total ?? 0),
    successRate: processed + failed === 0 ? null : processed / (processed + failed),
    lagP50Ms: lag.p50_ms,
    lagP95Ms: lag.p95_ms,
    deadLetters: Number(dead?.count ?? 0),
    backlog: Number(recent?.backlog ?? 0),
    openDiscrepancies: discrepancies.count,
    amountAtRisk: discrepancies.amountAtRisk,
  };
}

/**
 * Open discrepancies and the money they put at risk (the gap between expected
 * and actual, or the whole amount when one side is missing). Reconciliation
 * owns the table and may not have created it yet, so this reads defensively.
 */
async function openDiscrepancyExposure(): Promise<{ count: number; amountAtRisk: MoneyByCurrency }> {
  const sql = rawSql();
  const columns = await sql<{ column_name: string }[]>`
    select column_name from information_schema.columns
    where table_schema = current_schema() and table_name = 'discrepancies'`;
  const names = new Set(columns.map((column) => column.column_name));
  if (!names.has("status")) return { count: 0, amountAtRisk: [] };
  const [counted] = await sql<
    { count: string }[]
  >`select count(*) as count from discrepancies where status = 'open'`;
  let amountAtRisk: MoneyByCurrency = [];
  if (names.has("currency") && names.has("expected_amount") && names.has("actual_amount")) {
    const rows = await sql<{ currency: string | null; amount: string | null }[]>`
      select lower(currency) as currency,
        sum(coalesce(abs(expected_amount - actual_amount), abs(expected_amount), abs(actual_amount), 0)) as amount
      from discrepancies where status = 'open' and currency is not null
      group by lower(currency)`;
    amountAtRisk = sumByCurrency(
      rows.map((row) => ({ currency: row.currency, amount: row.amount == null ? null : Number(row.amount) })),
    );
  }
  return { count: Number(counted?.count ?? 0), amountAtRisk };
}

export type VolumePoint = { t: number } & Record<string, number>;
export type SeriesChart = { keys: string[]; points: VolumePoint[] };

function pivot(
  range: ResolvedRange,
  rows: { bucket: Date; key: string; value: number }[],
  keys: string[],
): VolumePoint[] {
  const byBucket = new Map<number, VolumePoint>();
  for (const t of bucketStarts(range))
    byBucket.set(t, Object.fromEntries([["t", t], ...keys.map((key) => [key, 0])]) as VolumePoint);
  for (const row of rows) {
    const point = byBucket.get(new Date(row.bucket).getTime());
    if (point && keys.includes(row.key)) point[row.key] = (point[row.key] ?? 0) + row.value;
  }
  return [...byBucket.values()];
}

const bucketSeconds = (range: ResolvedRange) => range.bucketMs / 1000;

/** Events received per bucket, split by status (every status keeps its own series). */
export async function getVolumeByStatus({ range }: { range: ResolvedRange }): Promise<SeriesChart> {
  const sql = rawSql();
  const rows = await sql<{ bucket: Date; key: EventStatus; value: string }[]>`
    select date_bin(make_interval(secs => ${bucketSeconds(range)}), received_at, ${range.from.toISOString()}::timestamptz) as bucket,
      status as key, count(*) as value
    from events
    where received_at >= ${range.from.toISOString()} and received_at < ${range.to.toISOString()}
    group by 1, 2`;
  const present = new Set(rows.map((row) => row.key));
  const keys = EVENT_STATUSES.filter((status) => present.has(status));
  return {
    keys,
    points: pivot(
      range,
      rows.map((row) => ({ ...row, value: Number(row.value) })),
      keys,
    ),
  };
}

const TOP_SERIES = 6;

/** Events received per bucket by provider and type: the busiest few, the rest folded into "other". */
export async function getVolumeByType({ range }: { range: ResolvedRange }): Promise<SeriesChart> {
  const sql = rawSql();
  const rows = await sql<{ bucket: Date; key: string; value: string }[]>`
    select date_bin(make_interval(secs => ${bucketSeconds(range)}), received_at, ${range.from.toISOString()}::timestamptz) as bucket,
      provider || ' · ' || type as key, count(*) as value
    from events
    where received_at >= ${range.from.toISOString()} and received_at < ${range.to.toISOString()}
    group by 1, 2`;
  const totals = new Map<string, number>();
  for (const row of rows) totals.set(row.key, (totals.get(row.key) ?? 0) + Number(row.value));
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([key]) => key);
  const top = new Set(ranked.slice(0, TOP_SERIES));
  const folded = rows.map((row) => ({
    bucket: row.bucket,
    key: top.has(row.key) ? row.key : "other",
    value: Number(row.value),
  }));
  const keys = [...ranked.slice(0, TOP_SERIES), ...(ranked.length > TOP_SERIES ? ["other"] : [])];
  return { keys, points: pivot(range, folded, keys) };
}

export type LagPoint = { t: number; p50: number | null; p95: number | null; p99: number | null };

/** Receive → processed lag percentiles per bucket of processing time (recovered events excluded). */
export async function getLagSeries({ range }: { range: ResolvedRange }): Promise<LagPoint[]> {
  const sql = rawSql();
  const rows = await sql<{ bucket: Date; p50: number; p95: number; p99: number }[]>`
    select date_bin(make_interval(secs => ${bucketSeconds(range)}), processed_at, ${range.from.toISOString()}::timestamptz) as bucket,
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

/** Rejected webhook deliveries per bucket, by reason (bad signature, too large, …). */
export async function getRejectedSeries({ range }: { range: ResolvedRange }): Promise<SeriesChart> {
  const sql = rawSql();
  const rows = await sql<{ bucket: Date; key: string; value: string }[]>`
    select date_bin(make_interval(secs => ${bucketSeconds(range)}), minute, ${range.from.toISOString()}::timestamptz) as bucket,
      provider || ' · ' || coalesce(nullif(reason, ''), 'rejected') as key, sum(count) as value
    from delivery_counts
    where outcome = 'rejected' and minute >= ${range.from.toISOString()} and minute < ${range.to.toISOString()}
    group by 1, 2`;
  const keys = [...new Set(rows.map((row) => row.key))].sort();
  return {
    keys,
    points: pivot(
      range,
      rows.map((row) => ({ ...row, value: Number(row.value) })),
      keys,
    ),
  };
}
