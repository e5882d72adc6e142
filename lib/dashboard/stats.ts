import "server-only";
import { rawSql } from "@/db";
import { EVENT_STATUSES, type EventStatus } from "@/db/schema";
import { openDiscrepancyTotals } from "@/lib/reconciliation/discrepancy-queries";
import { eventTotals } from "@/lib/rollups/totals";

export const LAG_WINDOW_MINUTES = 60;

/** Receive → processed lag over the recent window, in milliseconds. */
export async function lagPercentiles({ windowMinutes = LAG_WINDOW_MINUTES } = {}) {
  const sql = rawSql();
  const [row] = await sql<{ p50: number | null; p95: number | null; p99: number | null }[]>`
    select
      percentile_cont(0.50) within group (order by lag_ms) as p50,
      percentile_cont(0.95) within group (order by lag_ms) as p95,
      percentile_cont(0.99) within group (order by lag_ms) as p99
    from (
      select extract(epoch from (processed_at - received_at)) * 1000 as lag_ms
      from events
      where processed_at >= now() - make_interval(mins => ${windowMinutes})
        and status = 'processed' and not recovered
    ) recent`;
  const round = (value: number | null | undefined) => (value == null ? null : Math.round(Number(value)));
  return { p50_ms: round(row?.p50), p95_ms: round(row?.p95), p99_ms: round(row?.p99) };
}

/** Every stored event by status: the rollup totals plus what they do not hold yet, exact. */
export async function countsByStatus(): Promise<Record<EventStatus, number>> {
  const rows = await eventTotals();
  const counts = Object.fromEntries(EVENT_STATUSES.map((status) => [status, 0])) as Record<
    EventStatus,
    number
  >;
  for (const row of rows) counts[row.status] += row.count;
  return counts;
}

export async function getStats() {
  const [byStatus, lag, open] = await Promise.all([
    countsByStatus(),
    lagPercentiles(),
    openDiscrepancyTotals(),
  ]);
  const total = Object.values(byStatus).reduce((sum, count) => sum + count, 0);
  return {
    events: { total, by_status: byStatus },
    lag: { ...lag, window_minutes: LAG_WINDOW_MINUTES },
    dead_letters: byStatus.dead,
    open_discrepancies: open.count,
  };
}
