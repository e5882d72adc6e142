import "server-only";
import type { ReservedSql } from "postgres";
import { rawSql } from "@/db";
import { log } from "@/lib/log";
import { OPEN_STATUSES, SETTLED_STATUSES, inLagHistogram, lagBinOf, lagUsOf } from "./event-sql";
import { LAG_BINS_SIGNATURE } from "./lag-bins";

// pg_advisory_lock key of the refresher: one refresh at a time across processes.
const LOCK_KEY = 7_386_127_001;
// Covers the instant between a transaction taking its now() and pg_stat_activity showing it.
const MARGIN_SECONDS = 5;
const ATTEMPTS = 3;
const MAX_STEP_HOURS = 6;

export type RefreshResult = {
  /** False when another process was refreshing. */
  ran: boolean;
  caughtUp: boolean;
  watermark: string | null;
  previous: string | null;
  /** Minutes before the previous watermark recomputed because an operator action changed them. */
  dirtyMinutes: number;
  /** Open events found settled and added to the counts. */
  absorbed: number;
};

type Range = { lo: string; hi: string };

const ROLLUP_TABLES = [
  "event_minute_counts",
  "event_count_totals",
  "event_minute_lag",
  "event_lag_totals",
  "rollup_open_events",
] as const;

/**
 * Brings the rollups up to date (docs/architecture.md, "Dashboard rollups",
 * has the exactness argument). One transaction, repeatable read, so every
 * row it writes reflects one snapshot of `events`:
 *
 * 1. the watermark advances to the start of the minute before which no
 *    running transaction can still add an event or set a processed_at
 *    (both are the writer's now(), i.e. its transaction start), read
 *    *before* the snapshot is taken;
 * 2. the new minutes, and the minutes operators marked dirty, are recomputed
 *    from events: counts of settled events, the ids of open ones, the lag
 *    histogram; the all-time totals move by the same difference;
 * 3. open events that have settled since are added to the counts.
 *
 * An operator action racing with the refresh conflicts on its dirty-minute
 * row (serialization failure) and the refresh is retried.
 */
export async function refreshRollups({
  notAfter,
}: {
  /** Keeps the watermark at or before this instant (a lower watermark is always safe). */
  notAfter?: Date;
} = {}): Promise<RefreshResult> {
  const connection = await rawSql().reserve();
  try {
    const [lock] = await connection<
      { locked: boolean }[]
    >`select pg_try_advisory_lock(${LOCK_KEY}) as locked`;
    if (!lock?.locked)
      return { ran: false, caughtUp: false, watermark: null, previous: null, dirtyMinutes: 0, absorbed: 0 };
    try {
      const total = { dirtyMinutes: 0, absorbed: 0 };
      for (let steps = 1; ; steps++) {
        const step = await refreshWithRetries(connection, notAfter?.toISOString() ?? "infinity");
        total.dirtyMinutes += step.dirtyMinutes;
        total.absorbed += step.absorbed;
        if (!step.caughtUp) continue;
        // After a build the planner needs statistics at once, not at autovacuum's next pass.
        if (steps > 1 || step.previous === null)
          await connection`analyze event_minute_counts, event_minute_lag, rollup_open_events`;
        return { ...step, ...total };
      }
    } finally {
      await connection`select pg_advisory_unlock(${LOCK_KEY})`;
    }
  } finally {
    connection.release();
  }
}

async function refreshWithRetries(sql: ReservedSql, notAfter: string): Promise<RefreshResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await refreshOnce(sql, notAfter);
    } catch (error) {
      if (!isSerializationFailure(error) || attempt >= ATTEMPTS) throw error;
      log.debug({ attempt }, "rollup refresh raced an operator action; retrying");
    }
  }
}

// Serialization failure or deadlock: the refresh lost a race with an operator action and starts over.
const isSerializationFailure = (error: unknown) =>
  typeof error === "object" &&
  error !== null &&
  ["40001", "40P01"].includes((error as { code?: string }).code ?? "");

async function refreshOnce(sql: ReservedSql, notAfter: string): Promise<RefreshResult> {
  const [bound] = await sql<{ watermark: string }[]>`
    select date_trunc('minute', least(
      now() - make_interval(secs => ${MARGIN_SECONDS}),
      ${notAfter}::timestamptz,
      coalesce((
        select min(xact_start) from pg_stat_activity
        where datname = current_database() and backend_type = 'client backend' and pid <> pg_backend_pid()
      ), 'infinity')
    )) as watermark`;
  await sql`begin isolation level repeatable read`;
  try {
    const result = await refreshInSnapshot(sql, bound!.watermark);
    await sql`commit`;
    return result;
  } catch (error) {
    await sql`rollback`.catch(() => {});
    throw error;
  }
}

async function refreshInSnapshot(sql: ReservedSql, bound: string): Promise<RefreshResult> {
  const [state] = await sql<{ watermark: string | null; lag_bins: string }[]>`
    select watermark, lag_bins from rollup_state where id = 1`;
  let previous = state?.watermark ?? null;
  if (!state || state.lag_bins !== LAG_BINS_SIGNATURE) {
    if (state)
      log.info({ from: state.lag_bins, to: LAG_BINS_SIGNATURE }, "lag bins changed; rebuilding rollups");
    for (const table of ROLLUP_TABLES) await sql`delete from ${sql(table)}`;
    previous = null;
  }
  // Never regresses: a transaction older than the previous bound was visible to that read.
  // At most MAX_STEP_HOURS per transaction, so a first build over a long history is many short ones.
  const [step] = await sql<{ watermark: string; advanced: boolean; caught_up: boolean }[]>`
    select greatest(h.hi, p.prev) as watermark, p.prev is null or h.hi > p.prev as advanced,
      greatest(h.hi, p.prev) >= p.bound as caught_up
    from (select ${bound}::timestamptz as bound, ${previous}::timestamptz as prev) p,
      lateral (select least(p.bound, coalesce(p.prev, date_trunc('minute', least(
        (select min(received_at) from events),
        (select min(processed_at) from events where processed_at is not null))))
        + make_interval(hours => ${MAX_STEP_HOURS})) as hi) h`;
  const { watermark, advanced, caught_up: caughtUp } = step!;

  // Dirty minutes at or after the previous watermark lie in the new range already. Locked in minute
  // order, the order operator actions mark them in, so the two never deadlock.
  const dirty = await sql<Range[]>`
    with locked as (
      select minute from rollup_dirty_minutes where minute < ${watermark}::timestamptz order by minute for update
    ), cleared as (
      delete from rollup_dirty_minutes d using locked where d.minute = locked.minute returning d.minute
    )
    select minute as lo, minute + interval '1 minute' as hi from cleared
    where minute < ${previous}::timestamptz`;
  const ranges: Range[] = [...dirty];
  if (advanced) ranges.push({ lo: previous ?? "-infinity", hi: watermark });
  if (ranges.length > 0) {
    await recomputeCounts(sql, ranges);
    await recomputeLag(sql, ranges);
  }
  const absorbed = await absorbSettled(sql, watermark);
  await sql`delete from event_count_totals where count = 0`;
  await sql`delete from event_lag_totals where count = 0`;
  await sql`
    insert into rollup_state (id, watermark, lag_bins, refreshed_at)
    values (1, ${watermark}::timestamptz, ${LAG_BINS_SIGNATURE}, now())
    on conflict (id) do update
      set watermark = excluded.watermark, lag_bins = excluded.lag_bins, refreshed_at = excluded.refreshed_at`;
  return { ran: true, caughtUp, watermark, previous, dirtyMinutes: dirty.length, absorbed };
}

const rangesTable = (sql: ReservedSql, ranges: readonly Range[]) => sql`
  unnest(${ranges.map((range) => range.lo)}::text[]::timestamptz[], ${ranges.map((range) => range.hi)}::text[]::timestamptz[])
    as r(lo, hi)`;

/** Replaces the counts and open events of the ranges' minutes, moving the totals by the difference. */
async function recomputeCounts(sql: ReservedSql, ranges: readonly Range[]) {
  await sql`
    with removed as (
      delete from event_minute_counts c using ${rangesTable(sql, ranges)}
      where c.minute >= r.lo and c.minute < r.hi
      returning c.provider, c.type, c.status, c.recovered, c.count
    )
    insert into event_count_totals (provider, type, status, recovered, count)
    select provider, type, status, recovered, -sum(count) from removed group by 1, 2, 3, 4
    on conflict (provider, type, status, recovered)
    do update set count = event_count_totals.count + excluded.count`;
  await sql`
    delete from rollup_open_events o using ${rangesTable(sql, ranges)}
    where o.minute >= r.lo and o.minute < r.hi`;
  await sql`
    with added as (
      insert into event_minute_counts (minute, provider, type, status, recovered, count)
      select date_trunc('minute', e.received_at), e.provider, e.type, e.status, e.recovered, count(*)
      from ${rangesTable(sql, ranges)} join events e on e.received_at >= r.lo and e.received_at < r.hi
      where e.status in ${sql([...SETTLED_STATUSES])}
      group by 1, 2, 3, 4, 5
      returning provider, type, status, recovered, count
    )
    insert into event_count_totals (provider, type, status, recovered, count)
    select provider, type, status, recovered, sum(count) from added group by 1, 2, 3, 4
    on conflict (provider, type, status, recovered)
    do update set count = event_count_totals.count + excluded.count`;
  await sql`
    insert into rollup_open_events (event_id, minute)
    select e.id, date_trunc('minute', e.received_at)
    from ${rangesTable(sql, ranges)} join events e on e.received_at >= r.lo and e.received_at < r.hi
    where e.status in ${sql([...OPEN_STATUSES])}`;
}

/** Replaces the lag histogram of the ranges' minutes (by processed_at), moving the totals by the difference. */
async function recomputeLag(sql: ReservedSql, ranges: readonly Range[]) {
  await sql`
    with removed as (
      delete from event_minute_lag l using ${rangesTable(sql, ranges)}
      where l.minute >= r.lo and l.minute < r.hi
      returning l.provider, l.bin, l.count, l.lag_sum_us
    )
    insert into event_lag_totals (provider, bin, count, lag_sum_us)
    select provider, bin, -sum(count), -sum(lag_sum_us) from removed group by 1, 2
    on conflict (provider, bin)
    do update set count = event_lag_totals.count + excluded.count,
      lag_sum_us = event_lag_totals.lag_sum_us + excluded.lag_sum_us`;
  await sql`
    with added as (
      insert into event_minute_lag (minute, provider, bin, count, lag_sum_us, lag_min_us, lag_max_us)
      select date_trunc('minute', e.processed_at), e.provider, ${lagBinOf(sql)}, count(*),
        sum(greatest(${lagUsOf(sql)}, 0)), min(${lagUsOf(sql)}), max(${lagUsOf(sql)})
      from ${rangesTable(sql, ranges)} join events e on e.processed_at >= r.lo and e.processed_at < r.hi
      where ${inLagHistogram(sql)}
      group by 1, 2, 3
      returning provider, bin, count, lag_sum_us
    )
    insert into event_lag_totals (provider, bin, count, lag_sum_us)
    select provider, bin, sum(count), sum(lag_sum_us) from added group by 1, 2
    on conflict (provider, bin)
    do update set count = event_lag_totals.count + excluded.count,
      lag_sum_us = event_lag_totals.lag_sum_us + excluded.lag_sum_us`;
}

/** Moves open events that have settled into the counts (their minutes are rolled up already). */
async function absorbSettled(sql: ReservedSql, watermark: string): Promise<number> {
  // Those still open come from one scan of the status index; only the rest are looked up by id.
  const rows = await sql<{ count: string }[]>`
    with open_now as (
      select e.id from events e
      where e.status in ${sql([...OPEN_STATUSES])} and e.received_at < ${watermark}::timestamptz
    ), settled as (
      delete from rollup_open_events o using events e
      where e.id = o.event_id and e.status in ${sql([...SETTLED_STATUSES])}
        and not exists (select 1 from open_now n where n.id = o.event_id)
      returning o.minute, e.provider, e.type, e.status, e.recovered
    ), grouped as (
      select minute, provider, type, status, recovered, count(*) as count from settled group by 1, 2, 3, 4, 5
    ), counted as (
      insert into event_minute_counts (minute, provider, type, status, recovered, count)
      select minute, provider, type, status, recovered, count from grouped
      on conflict (minute, provider, type, status, recovered)
      do update set count = event_minute_counts.count + excluded.count
    ), totalled as (
      insert into event_count_totals (provider, type, status, recovered, count)
      select provider, type, status, recovered, sum(count) from grouped group by 1, 2, 3, 4
      on conflict (provider, type, status, recovered)
      do update set count = event_count_totals.count + excluded.count
    )
    select coalesce(sum(count), 0) as count from grouped`;
  return Number(rows[0]?.count ?? 0);
}
