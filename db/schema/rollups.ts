import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
} from "drizzle-orm/pg-core";

/**
 * Where the rollups stand (one row, id = 1). Minutes before `watermark` are
 * rolled up; the dashboard reads later events raw. `lagBins` names the lag
 * histogram's bin edges the rows were built with: a change rebuilds them.
 */
export const rollupState = pgTable(
  "rollup_state",
  {
    id: smallint().primaryKey().default(1),
    watermark: timestamp({ withTimezone: true, mode: "date" }),
    lagBins: text().notNull(),
    refreshedAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [check("rollup_state_singleton", sql`${t.id} = 1`)],
);
export type RollupState = typeof rollupState.$inferSelect;

/**
 * Events received per minute, by provider, type, status and whether
 * reconciliation recovered them. Only events that had settled (processed,
 * dead, ignored, discarded) when the minute was refreshed: the others are
 * listed in `rollup_open_events` and read live.
 */
export const eventMinuteCounts = pgTable(
  "event_minute_counts",
  {
    minute: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    provider: text().notNull(),
    type: text().notNull(),
    status: text().notNull(),
    recovered: boolean().notNull(),
    count: bigint({ mode: "number" }).notNull(),
  },
  (t) => [
    primaryKey({
      name: "event_minute_counts_pk",
      columns: [t.minute, t.provider, t.type, t.status, t.recovered],
    }),
  ],
);
export type EventMinuteCount = typeof eventMinuteCounts.$inferSelect;

/** `event_minute_counts` summed over every minute, so all-time counters read a few rows. */
export const eventCountTotals = pgTable(
  "event_count_totals",
  {
    provider: text().notNull(),
    type: text().notNull(),
    status: text().notNull(),
    recovered: boolean().notNull(),
    count: bigint({ mode: "number" }).notNull(),
  },
  (t) => [
    primaryKey({ name: "event_count_totals_pk", columns: [t.provider, t.type, t.status, t.recovered] }),
  ],
);
export type EventCountTotal = typeof eventCountTotals.$inferSelect;

/**
 * Receive → processed lag of processed (not recovered) events, per minute
 * of processed_at and provider, as a histogram over fixed log-spaced bins
 * (lib/events/rollups/lag-bins.ts), so minutes merge into any bucket's percentiles.
 * `lagSumUs` sums the lags (negative ones as 0) in microseconds; the least
 * and greatest lag narrow a bin to the values it actually holds.
 */
export const eventMinuteLag = pgTable(
  "event_minute_lag",
  {
    minute: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    provider: text().notNull(),
    bin: smallint().notNull(),
    count: bigint({ mode: "number" }).notNull(),
    lagSumUs: bigint({ mode: "number" }).notNull(),
    lagMinUs: bigint({ mode: "number" }).notNull(),
    lagMaxUs: bigint({ mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ name: "event_minute_lag_pk", columns: [t.minute, t.provider, t.bin] })],
);
export type EventMinuteLag = typeof eventMinuteLag.$inferSelect;

/** `event_minute_lag` summed over every minute, for the all-time lag histogram in /api/metrics. */
export const eventLagTotals = pgTable(
  "event_lag_totals",
  {
    provider: text().notNull(),
    bin: smallint().notNull(),
    count: bigint({ mode: "number" }).notNull(),
    lagSumUs: bigint({ mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ name: "event_lag_totals_pk", columns: [t.provider, t.bin] })],
);
export type EventLagTotal = typeof eventLagTotals.$inferSelect;

/**
 * Events of rolled-up minutes that were still pending, processing or
 * retrying at the refresh: not in the counts, read live by id until a
 * refresh finds them settled and adds them.
 */
export const rollupOpenEvents = pgTable(
  "rollup_open_events",
  {
    eventId: bigint({ mode: "number" }).primaryKey(),
    minute: timestamp({ withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [index("rollup_open_events_minute_idx").on(t.minute)],
);
export type RollupOpenEvent = typeof rollupOpenEvents.$inferSelect;

/**
 * Minutes (of received_at or processed_at) whose rollup rows an operator
 * action made stale, marked in the action's own transaction: read raw until
 * the next refresh recomputes them.
 */
export const rollupDirtyMinutes = pgTable("rollup_dirty_minutes", {
  minute: timestamp({ withTimezone: true, mode: "date" }).primaryKey(),
  markedAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
});
export type RollupDirtyMinute = typeof rollupDirtyMinutes.$inferSelect;
