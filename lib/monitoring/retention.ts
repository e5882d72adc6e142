import "server-only";
import { config } from "@/lib/config";
import { pruneEventPayloads } from "@/lib/events/retention";
import { boundRejectedDeliveries, compactDeliveryCounts } from "@/lib/inbox/delivery-counts";
import { log } from "@/lib/log";
import { pruneAlertHistory } from "./evaluate";

// Per-minute delivery counts older than this are folded into one all-time row per series.
const DELIVERY_COUNT_MINUTES_KEEP_DAYS = 30;
const REJECTED_DELIVERIES_KEEP_DAYS = 30;
const REJECTED_DELIVERIES_KEEP_ROWS = 10_000;

/** The retention job: payloads, delivery counts, rejections and alert history; RETENTION_DAYS (default 90) for payloads and alert history. */
export async function runRetention(): Promise<void> {
  const days = config().RETENTION_DAYS;
  const payloads = await pruneEventPayloads({ days });
  const folded = await compactDeliveryCounts({ keepDays: DELIVERY_COUNT_MINUTES_KEEP_DAYS });
  const rejected = await boundRejectedDeliveries({
    keepDays: REJECTED_DELIVERIES_KEEP_DAYS,
    keepRows: REJECTED_DELIVERIES_KEEP_ROWS,
  });
  const alerts = await pruneAlertHistory({ days });
  if (payloads || folded || rejected || alerts)
    log.info({ payloads, folded, rejected, alerts, retentionDays: days }, "retention pruned");
}
