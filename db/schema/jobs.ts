import { pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Leases for periodic jobs: whichever process holds an unexpired lease runs
 * the job, so alert evaluation and schedules run once across processes.
 */
export const jobLeases = pgTable("job_leases", {
  name: text().primaryKey(),
  holder: text(),
  leasedUntil: timestamp({ withTimezone: true, mode: "date" }),
  lastRunAt: timestamp({ withTimezone: true, mode: "date" }),
  lastError: text(),
});
export type JobLease = typeof jobLeases.$inferSelect;

/** One row per schedule occurrence (e.g. "recon.daily:2026-11-22"), so it runs once. */
export const scheduleRuns = pgTable("schedule_runs", {
  key: text().primaryKey(),
  startedAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
  holder: text().notNull(),
});
export type ScheduleRun = typeof scheduleRuns.$inferSelect;
