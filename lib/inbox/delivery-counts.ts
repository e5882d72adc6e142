import "server-only";
import { rawSql } from "@/db";

/**
 * Reads and upkeep of what intake records about deliveries that left no new
 * event: per-minute `delivery_counts` (duplicate, rejected, failed) and the
 * bounded log of `rejected_deliveries` (lib/inbox/deliveries.ts and
 * ack-failures.ts write them).
 */

// Old per-minute rows are folded into one all-time row per series at this minute, so totals never drop.
const ALL_TIME_MINUTE = "1970-01-01T00:00:00.000Z";

/** Every delivery count ever, by provider, outcome and reason. */
export async function deliveryTotals() {
  const sql = rawSql();
  const rows = await sql<{ provider: string; outcome: string; reason: string; count: string }[]>`
    select provider, outcome, reason, sum(count) as count from delivery_counts group by 1, 2, 3`;
  return rows.map((row) => ({ ...row, count: Number(row.count) }));
}

/** Rejected deliveries per bucket of `bucketSeconds` from `from`, keyed "provider · reason". */
export async function rejectedPerBucket({
  from,
  to,
  bucketSeconds,
}: {
  from: Date;
  to: Date;
  bucketSeconds: number;
}) {
  const sql = rawSql();
  const rows = await sql<{ bucket: Date; key: string; value: string }[]>`
    select date_bin(make_interval(secs => ${bucketSeconds}), minute, ${from.toISOString()}::timestamptz) as bucket,
      provider || ' · ' || coalesce(nullif(reason, ''), 'rejected') as key, sum(count) as value
    from delivery_counts
    where outcome = 'rejected' and minute >= ${from.toISOString()} and minute < ${to.toISOString()}
    group by 1, 2`;
  return rows.map((row) => ({ bucket: row.bucket, key: row.key, value: Number(row.value) }));
}

type ProviderTally = { provider: string; count: number; since_ms: number; reasons: string };

const providerTally = (row: ProviderTally) => ({
  provider: row.provider,
  count: row.count,
  since: new Date(Number(row.since_ms)),
  reasons: row.reasons,
});

/** Per provider, deliveries answered 5xx within the window when at least `threshold` of them. */
export async function ackFailuresSince({
  windowMinutes,
  threshold,
}: {
  windowMinutes: number;
  threshold: number;
}) {
  const sql = rawSql();
  const rows = await sql<ProviderTally[]>`
    select provider, sum(count)::int as count,
      (extract(epoch from min(minute)) * 1000)::float8 as since_ms,
      string_agg(distinct reason, ', ') as reasons
    from delivery_counts
    where outcome = 'failed'
      and minute >= date_trunc('minute', now()) - make_interval(mins => ${windowMinutes})
    group by provider
    having sum(count) >= ${threshold}
    order by provider`;
  return rows.map(providerTally);
}

/** Per provider, deliveries rejected in the last minute when more than `threshold` of them. */
export async function rejectionsLastMinute({ threshold }: { threshold: number }) {
  const sql = rawSql();
  const rows = await sql<ProviderTally[]>`
    select provider, count(*)::int as count,
      (extract(epoch from min(received_at)) * 1000)::float8 as since_ms,
      string_agg(distinct reason, ', ') as reasons
    from rejected_deliveries
    where received_at > now() - interval '1 minute'
    group by provider
    having count(*) > ${threshold}
    order by provider`;
  return rows.map(providerTally);
}

/** Folds per-minute delivery counters older than `keepDays` into all-time rows (so counters stay monotonic). */
export async function compactDeliveryCounts({ keepDays }: { keepDays: number }): Promise<number> {
  const sql = rawSql();
  const rows = await sql`
    with old as (
      delete from delivery_counts
      where minute < now() - make_interval(days => ${keepDays}) and minute > ${ALL_TIME_MINUTE}::timestamptz
      returning provider, outcome, reason, count
    )
    insert into delivery_counts (minute, provider, outcome, reason, count)
    select ${ALL_TIME_MINUTE}::timestamptz, provider, outcome, reason, sum(count) from old
    group by provider, outcome, reason
    on conflict (minute, provider, outcome, reason)
    do update set count = delivery_counts.count + excluded.count
    returning provider`;
  return rows.length;
}

/** Keeps the rejected-deliveries log to the recent past and a fixed number of rows. */
export async function boundRejectedDeliveries({
  keepDays,
  keepRows,
}: {
  keepDays: number;
  keepRows: number;
}): Promise<number> {
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
