import { bigint, index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * One CSV import (bank statement, Adyen settlement report) and how far it
 * has got. The import itself commits in one transaction at its end; this row
 * is written beside it, outside that transaction, so the dashboard can show
 * progress while the import runs and what became of it afterwards.
 */
export const imports = pgTable(
  "imports",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    /** `bank_statement` | `adyen_settlement_report` */
    kind: text().notNull(),
    /** `running` | `succeeded` | `failed` */
    status: text().notNull().default("running"),
    /** What it is doing now: `reading` (parsing and staging rows), `committing`, `done`, `failed`. */
    stage: text().notNull().default("reading"),
    rowsDone: integer().notNull().default(0),
    bytesDone: bigint({ mode: "number" }).notNull().default(0),
    /** The upload's Content-Length when it sent one. */
    bytesTotal: bigint({ mode: "number" }),
    startedBy: text().notNull(),
    startedAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
    finishedAt: timestamp({ withTimezone: true, mode: "date" }),
    /** The user-facing reason it failed (e.g. "Line 7: unreadable date"). */
    error: text(),
    /** What the import created, as its API reply reports it. */
    result: jsonb().$type<Record<string, unknown>>(),
  },
  (t) => [
    index("imports_started_idx").on(t.startedAt),
    index("imports_status_idx").on(t.status, t.startedAt),
  ],
);
export type Import = typeof imports.$inferSelect;
