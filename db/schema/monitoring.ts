import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

export const ALERT_RULES = [
  "dead_letter",
  "lag_p95",
  "rejected_rate",
  "new_discrepancies",
  "silent_worker",
  "ack_failures",
] as const;
export type AlertRule = (typeof ALERT_RULES)[number];

/**
 * The alert thresholds, editable in Settings. One row (id = 1); a missing row
 * means the defaults below.
 */
export const alertSettings = pgTable(
  "alert_settings",
  {
    id: integer().primaryKey().default(1),
    lagThresholdSeconds: integer().notNull().default(60),
    rejectedPerMinute: integer().notNull().default(10),
    silentWorkerSeconds: integer().notNull().default(60),
    deadLetterWindowMinutes: integer().notNull().default(15),
    ackFailureThreshold: integer().notNull().default(5),
    ackFailureWindowMinutes: integer().notNull().default(15),
    cooldownMinutes: integer().notNull().default(15),
    updatedBy: text(),
    updatedAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [check("alert_settings_singleton", sql`${t.id} = 1`)],
);
export type AlertSettings = typeof alertSettings.$inferSelect;

/**
 * One row per firing of a rule for a subject (a provider, a worker, or ''):
 * open while `resolvedAt` is null. Kept after resolving as the alert history,
 * and what the cooldown is measured against.
 */
export const alertFirings = pgTable(
  "alert_firings",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    rule: text().$type<AlertRule>().notNull(),
    subject: text().notNull().default(""),
    summary: text().notNull(),
    count: bigint({ mode: "number" }).notNull().default(0),
    link: text().notNull(),
    startedAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
    // When the condition itself began (e.g. the first dead letter), not when we noticed.
    since: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
    lastSeenAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
    resolvedAt: timestamp({ withTimezone: true, mode: "date" }),
    // A firing inside the cooldown of an earlier notification stays quiet (and so does its resolution).
    suppressed: boolean().notNull().default(false),
    notifiedAt: timestamp({ withTimezone: true, mode: "date" }),
    notifiedCount: bigint({ mode: "number" }),
    resolvedNotifiedAt: timestamp({ withTimezone: true, mode: "date" }),
  },
  (t) => [
    uniqueIndex("alert_firings_open_uq")
      .on(t.rule, t.subject)
      .where(sql`${t.resolvedAt} is null`),
    index("alert_firings_rule_started_idx").on(t.rule, t.subject, t.startedAt),
  ],
);
export type AlertFiring = typeof alertFirings.$inferSelect;
