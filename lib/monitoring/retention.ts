import "server-only";
import { rawSql } from "@/db";
import { config } from "@/lib/config";
import { log } from "@/lib/log";
import { pruneAlertHistory } from "./evaluate";

// Per-minute rows older than this are folded into one all-time row per series, so totals never drop.
const DELIVERY_COUNT_MINUTES_KEEP_DAYS = 30;
const REJECTED_DELIVERIES_KEEP_DAYS = 30;
const REJECTED_DELIVERIES_KEEP_ROWS = 10_000;
const ROLLUP_MINUTE = "1970-01-01T00:00:00.000Z";

/**
 * Drops the payload and raw body of finished events older than `days`
 * (by when they finished), keeping the event row, its attempts and the audit
 * trail. Dead letters keep theirs: they may still be replayed. Batched so a
 * first run over a large table neither locks it long nor bloats one transaction.
 */
export async function pruneEventPayloads({
  days,
  batchSize = 1_000,
  maxBatches = 100,
}: {
  days: number;
  batchSize?: number;
  maxBatches?: number;
}): Promise<number> {
  const sql = rawSql();
  let pruned = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const rows = await sql`
      with due as (
        select id from events
        where payload_pruned_at is null
          and status in ('processed', 'ignored', 'discarded')
          and received_at < now() - make_interval(days => ${days})
          and coalesce(processed_at, received_at) < now() - make_interval(days => ${days})
        order by received_at
        limit ${batchSize}
        for update skip locked
      )
      update events e set payload = null, raw_body = null, payload_pruned_at = now()
      from due where e.id = due.id
      returning e.id`;
    pruned += rows.length;
    if (rows.length < batchSize) break;
  }
  return pruned;
}

/** Folds old per-minute delivery counters into all-time rows (so counters stay monotonic). */
export async function compactDeliveryCounts({
  keepDays = DELIVERY_COUNT_MINUTES_KEEP_DAYS,
}: { keepDays?: number } = {}): Promise<number> {
  const sql = rawSql();
  const rows = await sql`
    with old as (
      delete from delivery_counts
      where minute < now() - make_interval(days => ${keepDays}) and minute > ${ROLLUP_MINUTE}::timestamptz
      returning provider, outcome, reason, count
    )
    insert into delivery_counts (minute, provider, outcome, reason, count)
    select ${ROLLUP_MINUTE}::timestamptz, provider, outcome, reason, sum(count) from old
    group by provider, outcome, reason
    on conflict (minute, provider, outcome, reason)
    do update set count = delivery_counts.count + excluded.count
    returning provider`;
  return rows.length;
}

/** Keeps the rejected-deliveries log to the recent past and a fixed number of rows. */
export async function boundRejectedDeliveries({
  keepDays = REJECTED_DELIVERIES_KEEP_DAYS,
  keepRows = REJECTED_DELIVERIES_KEEP_ROWS,
}: { keepDays?: number; keepRows?: number } = {}): Promise<number> {
  const sql = rawSql();
  const byAge = await sql`
    delete from rejected_deliveries where received_at < now() - make_interval(days => ${keepDays})
    returning id`;
  const byCount = await sql`
    delete from rejected_deliveries
    where id < (select min(id) from (select id from rejected_deliveries order by id desc limit ${keepRows}) newest)
    returning id`;
  return byAge.length + byCount.length;
}

/** The retention job: everything above, with RETENTION_DAYS (default 90) for payloads and alert history. */
export async function runRetention(): Promise<void> {
  const days = config().RETENTION_DAYS;
  const payloads = await pruneEventPayloads({ days });
  const folded = await compactDeliveryCounts();
  const rejected = await boundRejectedDeliveries();
  const alerts = await pruneAlertHistory({ days });
  if (payloads || folded || rejected || alerts)
    log.info({ payloads, folded, rejected, alerts, retentionDays: days }, "retention pruned");
}
