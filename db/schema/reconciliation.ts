import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

import {
  DISCREPANCY_KINDS,
  DISCREPANCY_STATUSES,
  RUN_KINDS,
  type DiscrepancyKind,
  type DiscrepancyStatus,
  type RunKind,
} from "../../lib/reconciliation-vocabulary";

export { DISCREPANCY_KINDS, DISCREPANCY_STATUSES, RUN_KINDS };
export type { DiscrepancyKind, DiscrepancyStatus, RunKind };

export const RUN_STATUSES = ["queued", "running", "succeeded", "failed"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const RUN_STAGES = [
  "queued",
  "pulling",
  "waiting",
  "matching",
  "recovering",
  "done",
  "failed",
] as const;
export type RunStage = (typeof RUN_STAGES)[number];

/**
 * Where a run is: its stage, the step within it (a list being pulled, a
 * matching step), `done` of `total` units of that stage (null when the
 * provider does not say how many there are), and running totals.
 */
export type RunProgress = {
  phase: RunStage;
  step?: string | null;
  done?: number;
  total?: number | null;
  pagesFetched: number;
  recordsStaged: number;
  matched: number;
  eventsRecovered: number;
  /** What the run could not do, said plainly (a list the provider's API does not serve). */
  warnings?: string[];
};

/** One reconciliation of a provider's books against ours over [periodFrom, periodTo). */
export const reconciliationRuns = pgTable(
  "reconciliation_runs",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    provider: text().notNull(),
    kind: text().$type<RunKind>().notNull().default("all"),
    periodFrom: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    periodTo: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    status: text().$type<RunStatus>().notNull().default("queued"),
    progress: jsonb().$type<RunProgress>().notNull().default({
      phase: "queued",
      pagesFetched: 0,
      recordsStaged: 0,
      matched: 0,
      eventsRecovered: 0,
    }),
    counts: jsonb().$type<Partial<Record<DiscrepancyKind, number>>>().notNull().default({}),
    // What the run did to the discrepancies it saw or checked (new, reopened, auto-resolved…).
    outcome: jsonb().$type<Record<string, number>>().notNull().default({}),
    requestedBy: text().notNull(),
    // Scheduled runs carry their occurrence key (e.g. daily:2025-01-31) for display.
    schedule: text(),
    error: text(),
    lockedBy: text(),
    lockedUntil: timestamp({ withTimezone: true, mode: "date" }),
    createdAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
    startedAt: timestamp({ withTimezone: true, mode: "date" }),
    finishedAt: timestamp({ withTimezone: true, mode: "date" }),
  },
  (t) => [
    index("reconciliation_runs_queue_idx")
      .on(t.createdAt)
      .where(sql`${t.status} in ('queued', 'running')`),
    index("reconciliation_runs_created_idx").on(t.createdAt),
    check("reconciliation_runs_status_check", sql`${t.status} in ('queued','running','succeeded','failed')`),
    check("reconciliation_runs_kind_check", sql`${t.kind} in ('all','transactions','settlement','fees')`),
  ],
);
export type ReconciliationRun = typeof reconciliationRuns.$inferSelect;

/**
 * The provider's books for one run, flattened to the columns matching needs.
 * One row per provider object (payment intent, charge, refund, dispute,
 * payout, balance transaction); `payoutId` links a balance transaction to the
 * automatic payout that paid it out.
 */
export const reconciliationStaged = pgTable(
  "reconciliation_staged",
  {
    runId: bigint({ mode: "number" })
      .notNull()
      .references(() => reconciliationRuns.id, { onDelete: "cascade" }),
    objectType: text().notNull(),
    objectId: text().notNull(),
    paymentIntentId: text(),
    chargeId: text(),
    status: text(),
    amount: bigint({ mode: "number" }),
    currency: text(),
    amountRefunded: bigint({ mode: "number" }),
    disputed: boolean(),
    customer: text(),
    fee: bigint({ mode: "number" }),
    net: bigint({ mode: "number" }),
    exchangeRate: numeric({ precision: 20, scale: 10 }),
    txnType: text(),
    source: text(),
    payoutId: text(),
    balanceTransactionId: text(),
    arrivalDate: timestamp({ withTimezone: true, mode: "date" }),
    automatic: boolean(),
    created: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    // The provider's copy of an event we never received, kept until matching decides whether to recover it.
    payload: jsonb().$type<Record<string, unknown>>(),
  },
  (t) => [
    primaryKey({ name: "reconciliation_staged_pk", columns: [t.runId, t.objectType, t.objectId] }),
    index("reconciliation_staged_payout_idx").on(t.runId, t.payoutId),
    // A staged object's payment group (see lib/reconciliation/groups.ts).
    index("reconciliation_staged_payment_idx").on(
      t.runId,
      sql`coalesce(${t.paymentIntentId}, ${t.chargeId}, ${t.objectId})`,
    ),
  ],
);
export type StagedObject = typeof reconciliationStaged.$inferSelect;

/** A finding, identified by (kind, provider, object) and never duplicated across runs. */
export const discrepancies = pgTable(
  "discrepancies",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    kind: text().$type<DiscrepancyKind>().notNull(),
    provider: text().notNull(),
    objectId: text().notNull(),
    objectType: text().notNull(),
    // The provider's `created` for the object: decides which runs may auto-resolve it.
    objectCreatedAt: timestamp({ withTimezone: true, mode: "date" }),
    expectedAmount: bigint({ mode: "number" }),
    actualAmount: bigint({ mode: "number" }),
    currency: text(),
    amountAtRisk: bigint({ mode: "number" }).notNull().default(0),
    expected: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    actual: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    details: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    status: text().$type<DiscrepancyStatus>().notNull().default("open"),
    assignee: text(),
    resolution: text(),
    resolutionNote: text(),
    resolvedBy: text(),
    resolvedAt: timestamp({ withTimezone: true, mode: "date" }),
    firstRunId: bigint({ mode: "number" }),
    lastRunId: bigint({ mode: "number" }),
    firstSeenAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
    lastSeenAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("discrepancies_identity_uq").on(t.kind, t.provider, t.objectId),
    index("discrepancies_status_idx").on(t.status, t.lastSeenAt),
    index("discrepancies_object_idx").on(t.provider, t.objectId),
    index("discrepancies_scope_idx").on(t.provider, t.objectCreatedAt),
    check("discrepancies_status_check", sql`${t.status} in ('open','resolved','ignored','auto_resolved')`),
  ],
);
export type Discrepancy = typeof discrepancies.$inferSelect;

/** Which runs saw which discrepancy (`?run_id=`). */
export const discrepancySightings = pgTable(
  "discrepancy_sightings",
  {
    discrepancyId: bigint({ mode: "number" })
      .notNull()
      .references(() => discrepancies.id, { onDelete: "cascade" }),
    runId: bigint({ mode: "number" })
      .notNull()
      .references(() => reconciliationRuns.id, { onDelete: "cascade" }),
    seenAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "discrepancy_sightings_pk", columns: [t.discrepancyId, t.runId] }),
    index("discrepancy_sightings_run_idx").on(t.runId),
  ],
);
export type DiscrepancySighting = typeof discrepancySightings.$inferSelect;

export const discrepancyComments = pgTable(
  "discrepancy_comments",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    discrepancyId: bigint({ mode: "number" })
      .notNull()
      .references(() => discrepancies.id, { onDelete: "cascade" }),
    author: text().notNull(),
    body: text().notNull(),
    at: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [index("discrepancy_comments_discrepancy_idx").on(t.discrepancyId, t.at)],
);
export type DiscrepancyComment = typeof discrepancyComments.$inferSelect;

export type FeeRule = { currency: string; percent: number; fixed: number };

/** The contracted pricing per provider that fee verification checks against. */
export const feeSchedules = pgTable("fee_schedules", {
  provider: text().primaryKey(),
  rules: jsonb().$type<FeeRule[]>().notNull().default([]),
  tolerance: integer().notNull().default(0),
  updatedBy: text(),
  updatedAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
});
export type FeeSchedule = typeof feeSchedules.$inferSelect;

/** An imported bank statement: deposits are only checked for the dates it covers. */
export const bankStatements = pgTable(
  "bank_statements",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    coversFrom: date({ mode: "string" }).notNull(),
    coversTo: date({ mode: "string" }).notNull(),
    depositCount: integer().notNull(),
    importedBy: text().notNull(),
    importedAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [index("bank_statements_covers_idx").on(t.coversFrom, t.coversTo)],
);
export type BankStatement = typeof bankStatements.$inferSelect;

export const bankDeposits = pgTable(
  "bank_deposits",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    statementId: bigint({ mode: "number" })
      .notNull()
      .references(() => bankStatements.id, { onDelete: "cascade" }),
    bookedOn: date({ mode: "string" }).notNull(),
    amount: bigint({ mode: "number" }).notNull(),
    currency: text().notNull(),
    reference: text().notNull().default(""),
  },
  (t) => [index("bank_deposits_booked_idx").on(t.bookedOn, t.currency)],
);
export type BankDeposit = typeof bankDeposits.$inferSelect;
