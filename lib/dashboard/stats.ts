import "server-only";
import { EVENT_STATUSES, type EventStatus } from "@/db/schema";
import { lagPercentiles, LAG_WINDOW_MINUTES } from "@/lib/events/lag";
import { openDiscrepancyTotals } from "@/lib/reconciliation/discrepancy-queries";
import { eventTotals } from "@/lib/events/rollups/totals";

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
