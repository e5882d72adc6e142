import "server-only";
import { cache } from "react";
import { rawSql } from "@/db";
import { EVENT_STATUSES, type EventStatus } from "@/db/schema";

import { countEventsReceived, type Buckets } from "@/lib/events/rollups/event-counts";
import { lagHistogram, type LagBinRow } from "@/lib/events/rollups/lag-histogram";
import {
  addToLagHistogram,
  lagPercentilesFromHistogram,
  type LagHistogram,
} from "@/lib/events/rollups/lag-bins";
import { deadLetterCount } from "@/lib/events/dead-letters";
import { rejectedPerBucket } from "@/lib/inbox/delivery-counts";
import { LAG_WINDOW_MINUTES } from "@/lib/events/lag";
import type { MoneyByCurrency } from "@/lib/money";
import { openDiscrepancyTotals } from "@/lib/reconciliation/discrepancy-queries";
import { bucketStarts, resolveRange, type ResolvedRange } from "./range";

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

/**
 * The headline numbers. Success rate counts events that reached an end state
 * in the last 24 h; lag percentiles are the last hour's, from the same
 * histogram as the lag chart (within 4.4%, lib/events/rollups/lag-bins.ts).
 */
export async function getOverviewKpis(): Promise<OverviewKpis> {
  const sql = rawSql();
  const [since] = await sql<{ hour: string }[]>`
    select (now() - make_interval(mins => ${LAG_WINDOW_MINUTES}))::text as hour`;
  const [dead, lag, discrepancies, counted] = await Promise.all([
    deadLetterCount(),
    lagPercentilesSince({ from: since!.hour }),
    openDiscrepancyTotals(),
    overviewCounts(resolveRange(DAY)),
  ]);
  const recent: Partial<Record<EventStatus, number>> = {};
  for (const row of counted) if (row.recent) recent[row.status] = (recent[row.status] ?? 0) + row.count;
  const processed = recent.processed ?? 0;
  const failed = (recent.dead ?? 0) + (recent.retrying ?? 0);
  return {
    eventsLast24h: Object.values(recent).reduce((sum, count) => sum + count, 0),
    successRate: processed + failed === 0 ? null : processed / (processed + failed),
    lagP50Ms: lag[0] ?? null,
    lagP95Ms: lag[1] ?? null,
    deadLetters: dead,
    backlog: (recent.pending ?? 0) + (recent.retrying ?? 0) + (recent.processing ?? 0),
    openDiscrepancies: discrepancies.count,
    amountAtRisk: discrepancies.amountAtRisk,
  };
}

async function lagPercentilesSince({ from }: { from: string }): Promise<(number | null)[]> {
  const histogram = histogramsByBucket(await lagHistogram({ from, to: "infinity" })).get(null) ?? new Map();
  return lagPercentilesFromHistogram({ histogram, quantiles: [0.5, 0.95] });
}

/** Merges histogram rows per bucket start (one `null` bucket when the rows are not bucketed). */
function histogramsByBucket(rows: LagBinRow[]): Map<number | null, LagHistogram> {
  const byBucket = new Map<number | null, LagHistogram>();
  for (const { bucket, bin, count, minUs, maxUs } of rows) {
    const t = bucket === null ? null : new Date(bucket).getTime();
    const histogram: LagHistogram = byBucket.get(t) ?? new Map();
    addToLagHistogram({ histogram, bin, tally: { count, minUs, maxUs } });
    byBucket.set(t, histogram);
  }
  return byBucket;
}

export type VolumePoint = { t: number } & Record<string, number>;
export type SeriesChart = { keys: string[]; points: VolumePoint[] };

function pivot(
  range: ResolvedRange,
  rows: { bucket: Date | string; key: string; value: number }[],
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

const DAY = "24h";

/**
 * Both volume charts read the same counts, and with the default range the
 * KPIs' last 24 hours come from that statement too: one pass per request.
 */
const countsFor = cache((key: string, fromMs: number, toMs: number, seconds: number) =>
  countEventsReceived({
    from: new Date(fromMs),
    to: new Date(toMs),
    buckets: { origin: new Date(fromMs), seconds },
    recentSeconds: key === DAY ? 86_400 : undefined,
  }),
);
const overviewCounts = (range: ResolvedRange) =>
  countsFor(range.key, range.from.getTime(), range.to.getTime(), bucketSeconds(range));
const bucketsOf = (range: ResolvedRange): Buckets => ({ origin: range.from, seconds: bucketSeconds(range) });

/** Events received per bucket, split by status (every status keeps its own series). */
export async function getVolumeByStatus({ range }: { range: ResolvedRange }): Promise<SeriesChart> {
  const counted = (await overviewCounts(range)).filter((row) => row.bucket !== null);
  const rows = counted.map((row) => ({ bucket: row.bucket!, key: row.status, value: row.count }));
  const present = new Set(rows.map((row) => row.key));
  const keys = EVENT_STATUSES.filter((status) => present.has(status));
  return { keys, points: pivot(range, rows, keys) };
}

const TOP_SERIES = 6;

/** Events received per bucket by provider and type: the busiest few, the rest folded into "other". */
export async function getVolumeByType({ range }: { range: ResolvedRange }): Promise<SeriesChart> {
  const counted = (await overviewCounts(range)).filter((row) => row.bucket !== null);
  const rows = counted.map((row) => ({
    bucket: row.bucket!,
    key: `${row.provider} · ${row.type}`,
    value: row.count,
  }));
  const totals = new Map<string, number>();
  for (const row of rows) totals.set(row.key, (totals.get(row.key) ?? 0) + row.value);
  // Ties broken by name, so the same counts always pick the same series.
  const ranked = [...totals.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([key]) => key);
  const top = new Set(ranked.slice(0, TOP_SERIES));
  const folded = rows.map((row) => ({ ...row, key: top.has(row.key) ? row.key : "other" }));
  const keys = [...ranked.slice(0, TOP_SERIES), ...(ranked.length > TOP_SERIES ? ["other"] : [])];
  return { keys, points: pivot(range, folded, keys) };
}

export type LagPoint = { t: number; p50: number | null; p95: number | null; p99: number | null };

/**
 * Receive → processed lag percentiles per bucket of processing time
 * (recovered events excluded), from the lag histogram: within 4.4% of the
 * exact percentile (lib/events/rollups/lag-bins.ts).
 */
export async function getLagSeries({ range }: { range: ResolvedRange }): Promise<LagPoint[]> {
  const byBucket = histogramsByBucket(
    await lagHistogram({ from: range.from, to: range.to, buckets: bucketsOf(range) }),
  );
  return bucketStarts(range).map((t) => {
    const histogram = byBucket.get(t);
    if (!histogram) return { t, p50: null, p95: null, p99: null };
    const [p50, p95, p99] = lagPercentilesFromHistogram({ histogram, quantiles: [0.5, 0.95, 0.99] });
    return { t, p50: p50 ?? null, p95: p95 ?? null, p99: p99 ?? null };
  });
}

/** Rejected webhook deliveries per bucket, by reason (bad signature, too large, …). */
export async function getRejectedSeries({ range }: { range: ResolvedRange }): Promise<SeriesChart> {
  const rows = await rejectedPerBucket({
    from: range.from,
    to: range.to,
    bucketSeconds: bucketSeconds(range),
  });
  const keys = [...new Set(rows.map((row) => row.key))].sort();
  return {
    keys,
    points: pivot(range, rows, keys),
  };
}
