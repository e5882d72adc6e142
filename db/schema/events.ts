import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

export const EVENT_STATUSES = [
  "pending",
  "processing",
  "processed",
  "retrying",
  "dead",
  "ignored",
  "discarded",
] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

/**
 * The inbox: every verified delivery, stored before it is acknowledged.
 * Stored with fillfactor 60 (drizzle/0012_events_fillfactor.sql; Drizzle has
 * no table storage parameters): a worker's claim and finish are two updates
 * of a ~2 KB row, which then fit on its own page and are logged as the bytes
 * that changed.
 */
export const events = pgTable(
  "events",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    provider: text().notNull(),
    // Connected-account or merchant-account scope; '' when the provider has none.
    account: text().notNull().default(""),
    providerEventId: text().notNull(),
    type: text().notNull(),
    objectId: text(),
    objectType: text(),
    status: text().$type<EventStatus>().notNull().default("pending"),
    attempts: integer().notNull().default(0),
    providerCreatedAt: timestamp({ withTimezone: true, mode: "date" }),
    receivedAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
    nextAttemptAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
    lockedUntil: timestamp({ withTimezone: true, mode: "date" }),
    lockedBy: text(),
    processedAt: timestamp({ withTimezone: true, mode: "date" }),
    lastError: text(),
    payload: jsonb().$type<Record<string, unknown>>(),
    rawBody: text(),
    headers: jsonb().$type<Record<string, string>>(),
    livemode: boolean(),
    // Ingested by reconciliation from the provider's event list, not delivered to us.
    recovered: boolean().notNull().default(false),
    payloadPrunedAt: timestamp({ withTimezone: true, mode: "date" }),
  },
  (t) => [
    uniqueIndex("events_provider_account_event_uq").on(t.provider, t.account, t.providerEventId),
    index("events_claimable_idx")
      .on(t.nextAttemptAt)
      .where(sql`${t.status} in ('pending', 'retrying')`),
    index("events_object_idx").on(t.provider, t.objectId, t.providerCreatedAt),
    index("events_received_at_idx").on(t.receivedAt),
    index("events_status_received_idx").on(t.status, t.receivedAt),
    index("events_type_idx").on(t.type, t.receivedAt),
    index("events_processed_at_idx")
      .on(t.processedAt)
      .where(sql`${t.processedAt} is not null`),
    // Only finished events whose payload retention has not pruned yet: the pruning job's work list.
    index("events_prunable_idx")
      .on(t.receivedAt)
      .where(sql`${t.payloadPrunedAt} is null and ${t.status} in ('processed', 'ignored', 'discarded')`),
    check(
      "events_status_check",
      sql`${t.status} in ('pending','processing','processed','retrying','dead','ignored','discarded')`,
    ),
  ],
);
export type Event = typeof events.$inferSelect;
export type NewEvent = typeof events.$inferInsert;

/** One row per processing attempt: the timeline shown to operators. */
export const eventAttempts = pgTable(
  "event_attempts",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    eventId: bigint({ mode: "number" })
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    attempt: integer().notNull(),
    startedAt: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    finishedAt: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    outcome: text().notNull(),
    error: text(),
    durationMs: integer().notNull(),
    workerId: text(),
  },
  (t) => [index("event_attempts_event_idx").on(t.eventId, t.attempt)],
);
export type EventAttempt = typeof eventAttempts.$inferSelect;

/** Rejected deliveries, kept (bounded) for monitoring; never stored as events. */
export const rejectedDeliveries = pgTable(
  "rejected_deliveries",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    provider: text().notNull(),
    reason: text().notNull(),
    statusCode: integer().notNull(),
    remoteAddr: text(),
    requestId: text(),
    receivedAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [index("rejected_deliveries_received_idx").on(t.receivedAt)],
);
export type RejectedDelivery = typeof rejectedDeliveries.$inferSelect;

/**
 * Per-minute delivery counters for outcomes that leave no event row
 * (duplicates, rejections), so metrics are right across processes.
 */
export const deliveryCounts = pgTable(
  "delivery_counts",
  {
    minute: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    provider: text().notNull(),
    outcome: text().notNull(),
    reason: text().notNull().default(""),
    count: bigint({ mode: "number" }).notNull().default(0),
  },
  (t) => [primaryKey({ name: "delivery_counts_pk", columns: [t.minute, t.provider, t.outcome, t.reason] })],
);
export type DeliveryCount = typeof deliveryCounts.$inferSelect;

/** Liveness of worker processes; health and the silent-worker alert read it. */
export const workerHeartbeats = pgTable("worker_heartbeats", {
  workerId: text().primaryKey(),
  hostname: text().notNull(),
  pid: integer().notNull(),
  startedAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
  beatAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
  processedCount: bigint({ mode: "number" }).notNull().default(0),
});
export type WorkerHeartbeat = typeof workerHeartbeats.$inferSelect;
