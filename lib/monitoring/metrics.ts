import "server-only";
import { Counter, Gauge, Registry } from "prom-client";
import { rawSql } from "@/db";
import { ALERT_RULES } from "@/db/schema";
import { eventBacklog } from "@/lib/events/backlog";
import { deliveryTotals } from "@/lib/inbox/delivery-counts";
import { processMetrics } from "@/lib/inbox/process-metrics";
import { recentWorkers } from "@/lib/processing/heartbeats";
import { LAG_METRIC_BUCKETS_S, lagBinAtOrUnder } from "@/lib/events/rollups/lag-bins";
import { openDiscrepancyGroups } from "@/lib/reconciliation/discrepancy-queries";
import { runDurationBuckets } from "@/lib/reconciliation/run-stats";
import { eventTotals, lagTotals, type LagTotalRow } from "@/lib/events/rollups/totals";
import { PrecomputedHistogram, negatedBounds, perBucketFromWidthBuckets } from "./precomputed-histogram";

// Every bound is a bin edge of the lag rollup, so these buckets are exact.
const LAG_BUCKETS = LAG_METRIC_BUCKETS_S;
const RUN_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600];
const TERMINAL = new Set(["processed", "dead", "ignored", "discarded"]);
const BACKLOG = ["pending", "retrying", "processing"];

type BucketRow = { boundsAtOrAbove: number; count: number; sumSeconds: number };

/** Adds SQL-bucketed rows, grouped by their label columns, to a histogram. */
function fillHistogram<R extends BucketRow>(
  histogram: PrecomputedHistogram,
  buckets: number[],
  rows: readonly R[],
  labelsOf: (row: R) => Record<string, string>,
) {
  const groups = new Map<string, { labels: Record<string, string>; rows: R[] }>();
  for (const row of rows) {
    const labels = labelsOf(row);
    const key = JSON.stringify(labels);
    const group = groups.get(key) ?? { labels, rows: [] };
    group.rows.push(row);
    groups.set(key, group);
  }
  for (const { labels, rows: grouped } of groups.values()) {
    histogram.add({
      labels,
      perBucket: perBucketFromWidthBuckets(
        buckets,
        grouped.map((row) => ({ bounds_at_or_above: row.boundsAtOrAbove, count: row.count })),
      ),
      sum: grouped.reduce((total, row) => total + row.sumSeconds, 0),
    });
  }
}

/** Folds the rollup's fine lag bins, per provider, into the metric's buckets. */
function addLagTotals(histogram: PrecomputedHistogram, rows: readonly LagTotalRow[]) {
  const byProvider = new Map<string, { perBucket: number[]; sumUs: number }>();
  for (const row of rows) {
    const series = byProvider.get(row.provider) ?? {
      perBucket: new Array<number>(LAG_BUCKETS.length + 1).fill(0),
      sumUs: 0,
    };
    const bucket = LAG_BUCKETS.findIndex((seconds) => lagBinAtOrUnder({ bin: row.bin, seconds }));
    series.perBucket[bucket === -1 ? LAG_BUCKETS.length : bucket]! += row.count;
    series.sumUs += row.sumUs;
    byProvider.set(row.provider, series);
  }
  for (const [provider, series] of byProvider)
    histogram.add({ labels: { provider }, perBucket: series.perBucket, sum: series.sumUs / 1_000_000 });
}

/**
 * Everything countable is read from the database at scrape time, so any
 * number of web and worker processes report the same totals. Only the ack
 * latency histogram is per process (it lives in the request path).
 */
export async function renderMetrics(): Promise<{ body: string; contentType: string }> {
  const sql = rawSql();
  const registry = new Registry();
  const [eventGroups, deliveryGroups, lagRows, waiting, workers, alerts] = await Promise.all([
    eventTotals(),
    deliveryTotals(),
    lagTotals(),
    eventBacklog(),
    recentWorkers(),
    sql<{ rule: string; count: number }[]>`
      select rule, count(*)::int as count from alert_firings where resolved_at is null group by rule`,
  ]);

  const received = new Counter({
    name: "tally_webhooks_received_total",
    help: "Webhook deliveries by provider and outcome: accepted (stored events), duplicate, rejected (with reason), failed (answered 5xx, with status). From the database: correct across processes.",
    labelNames: ["provider", "outcome", "reason"],
    registers: [registry],
  });
  const processed = new Counter({
    name: "tally_events_processed_total",
    help: "Events that reached a final result, by provider, type and result (processed, dead, ignored, discarded).",
    labelNames: ["provider", "type", "result"],
    registers: [registry],
  });
  const backlog = new Gauge({
    name: "tally_backlog_events",
    help: "Events waiting to be processed, by status.",
    labelNames: ["status"],
    registers: [registry],
  });
  const deadLetters = new Gauge({
    name: "tally_dead_letters",
    help: "Events in the dead-letter state, waiting for an operator.",
    registers: [registry],
  });
  for (const status of BACKLOG) backlog.set({ status }, 0);
  deadLetters.set(0);
  for (const row of eventGroups) {
    const count = Number(row.count);
    if (!row.recovered) received.inc({ provider: row.provider, outcome: "accepted", reason: "" }, count);
    if (TERMINAL.has(row.status))
      processed.inc({ provider: row.provider, type: row.type, result: row.status }, count);
    if (BACKLOG.includes(row.status)) backlog.inc({ status: row.status }, count);
    if (row.status === "dead") deadLetters.inc(count);
  }
  for (const row of deliveryGroups)
    received.inc({ provider: row.provider, outcome: row.outcome, reason: row.reason }, row.count);

  new Gauge({
    name: "tally_backlog_oldest_age_seconds",
    help: "Age of the oldest event waiting to be processed (0 when none).",
    registers: [registry],
  }).set((waiting.oldestAgeMs ?? 0) / 1000);

  const lag = new PrecomputedHistogram({
    name: "tally_processing_lag_seconds",
    help: "Receive-to-processed lag of every processed event, by provider (buckets counted in SQL across processes).",
    labelNames: ["provider"],
    buckets: LAG_BUCKETS,
  });
  addLagTotals(lag, lagRows);
  registry.registerMetric(lag);

  const alive = new Gauge({
    name: "tally_workers_alive",
    help: "Workers that beat within the last 60 seconds.",
    registers: [registry],
  });
  alive.set(workers.filter((worker) => worker.ageMs < 60_000).length);
  const beatAge = new Gauge({
    name: "tally_worker_last_beat_age_seconds",
    help: "Seconds since each worker's last heartbeat (workers seen in the last day).",
    labelNames: ["worker_id"],
    registers: [registry],
  });
  for (const worker of workers) beatAge.set({ worker_id: worker.workerId }, worker.ageMs / 1000);

  const firing = new Gauge({
    name: "tally_alerts_firing",
    help: "Alerts firing now, by rule.",
    labelNames: ["rule"],
    registers: [registry],
  });
  for (const rule of ALERT_RULES) firing.set({ rule }, 0);
  for (const row of alerts) firing.set({ rule: row.rule }, row.count);

  await addReconciliationMetrics(registry);

  const perProcess = await processMetrics().registry.metrics();
  return { body: `${await registry.metrics()}\n${perProcess}`, contentType: registry.contentType };
}

/** Open discrepancies, the amount they put at risk (as stored with each) and run durations. */
async function addReconciliationMetrics(registry: Registry) {
  const open = new Gauge({
    name: "tally_discrepancies_open",
    help: "Open discrepancies by provider and kind.",
    labelNames: ["provider", "kind"],
    registers: [registry],
  });
  const atRisk = new Gauge({
    name: "tally_discrepancies_amount_at_risk_minor",
    help: "Sum of amount at risk over open discrepancies, in minor units, by provider and currency.",
    labelNames: ["provider", "currency"],
    registers: [registry],
  });
  const durations = new PrecomputedHistogram({
    name: "tally_reconciliation_run_duration_seconds",
    help: "Duration of finished reconciliation runs, by provider and status.",
    labelNames: ["provider", "status"],
    buckets: RUN_BUCKETS,
  });
  registry.registerMetric(durations);

  const [groups, runs] = await Promise.all([
    openDiscrepancyGroups(),
    runDurationBuckets({ negatedBounds: negatedBounds(RUN_BUCKETS) }),
  ]);
  for (const group of groups) {
    open.inc({ provider: group.provider, kind: group.kind }, group.count);
    atRisk.inc({ provider: group.provider, currency: group.currency ?? "" }, group.amountAtRisk);
  }
  fillHistogram(durations, RUN_BUCKETS, runs, (row) => ({ provider: row.provider, status: row.status }));
}
