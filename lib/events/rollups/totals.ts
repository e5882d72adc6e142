import "server-only";
import { rawSql } from "@/db";
import type { EventStatus } from "@/db/schema";
import { OPEN_STATUSES, inLagHistogram, lagBinOf, lagUsOf } from "./event-sql";

export type EventTotalRow = {
  provider: string;
  type: string;
  status: EventStatus;
  recovered: boolean;
  count: number;
};

/*
 * All-time figures, exactly as a scan of `events` would give them now, in one
 * statement: the totals of every rolled-up minute, minus the rows of dirty
 * minutes (read raw instead), plus the live rows of open events and the raw
 * tail after the watermark.
 */
const DIRTY = `
  state as (select coalesce((select watermark from rollup_state where id = 1), '-infinity') as w),
  dirty as (select d.minute from rollup_dirty_minutes d, state where d.minute < state.w)`;

/** Every event ever stored, counted by provider, type, status and recovered. */
export async function eventTotals(): Promise<EventTotalRow[]> {
  const sql = rawSql();
  const rows = await sql<(Omit<EventTotalRow, "count"> & { count: string })[]>`
    with ${sql.unsafe(DIRTY)}, open_now as (
      -- As in event-counts.ts: events open now before the watermark are all among rollup_open_events.
      select e.id, e.provider, e.type, e.status, e.recovered
      from events e, state
      where e.status in ${sql([...OPEN_STATUSES])} and e.received_at < state.w
        and date_trunc('minute', e.received_at) not in (select minute from dirty)
    ), counted as (
      select provider, type, status, recovered, count from event_count_totals
      union all
      select c.provider, c.type, c.status, c.recovered, -c.count
      from dirty d join event_minute_counts c on c.minute = d.minute
      union all
      select provider, type, status, recovered, 1 from open_now
      union all
      select e.provider, e.type, e.status, e.recovered, 1
      from rollup_open_events o join events e on e.id = o.event_id, state
      where o.minute < state.w and o.minute not in (select minute from dirty)
        and not exists (select 1 from open_now n where n.id = o.event_id)
      union all
      select e.provider, e.type, e.status, e.recovered, 1
      from events e, state where e.received_at >= state.w
      union all
      select e.provider, e.type, e.status, e.recovered, 1
      from dirty d join events e on e.received_at >= d.minute and e.received_at < d.minute + interval '1 minute'
    )
    select provider, type, status, recovered, sum(count) as count
    from counted group by 1, 2, 3, 4 having sum(count) <> 0`;
  return rows.map((row) => ({ ...row, count: Number(row.count) }));
}

export type LagTotalRow = { provider: string; bin: number; count: number; sumUs: number };

/** The lag histogram of every processed event, by provider, with the sum of lags (negative ones as 0). */
export async function lagTotals(): Promise<LagTotalRow[]> {
  const sql = rawSql();
  const rows = await sql<{ provider: string; bin: number; count: string; sum_us: string }[]>`
    with ${sql.unsafe(DIRTY)}, binned as (
      select provider, bin, count, lag_sum_us from event_lag_totals
      union all
      select l.provider, l.bin, -l.count, -l.lag_sum_us
      from dirty d join event_minute_lag l on l.minute = d.minute
      union all
      select e.provider, ${lagBinOf(sql)}, 1, greatest(${lagUsOf(sql)}, 0)
      from events e, state where e.processed_at >= state.w and ${inLagHistogram(sql)}
      union all
      select e.provider, ${lagBinOf(sql)}, 1, greatest(${lagUsOf(sql)}, 0)
      from dirty d join events e
        on e.processed_at >= d.minute and e.processed_at < d.minute + interval '1 minute'
      where ${inLagHistogram(sql)}
    )
    select provider, bin, sum(count) as count, sum(lag_sum_us) as sum_us
    from binned group by 1, 2 having sum(count) <> 0`;
  return rows.map((row) => ({
    provider: row.provider,
    bin: Number(row.bin),
    count: Number(row.count),
    sumUs: Number(row.sum_us),
  }));
}
