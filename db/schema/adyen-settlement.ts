import { bigint, index, integer, numeric, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

/**
 * An imported Adyen settlement details report: Adyen's books for the period
 * it covers (Adyen has no API to list payments, so runs for `adyen` read these).
 */
export const adyenSettlementReports = pgTable(
  "adyen_settlement_reports",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    coversFrom: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    coversTo: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    // The same file imported twice would double every batch's sums.
    sha256: text().notNull(),
    rowCount: integer().notNull(),
    importedBy: text().notNull(),
    importedAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("adyen_settlement_reports_sha256_uq").on(t.sha256),
    index("adyen_settlement_reports_covers_idx").on(t.coversFrom, t.coversTo),
  ],
);
export type AdyenSettlementReport = typeof adyenSettlementReports.$inferSelect;

/** One journal line of a report, amounts converted exactly to integer minor units of their currency. */
export const adyenSettlementRows = pgTable(
  "adyen_settlement_rows",
  {
    reportId: bigint({ mode: "number" })
      .notNull()
      .references(() => adyenSettlementReports.id, { onDelete: "cascade" }),
    lineNo: integer().notNull(),
    companyAccount: text(),
    merchantAccount: text().notNull(),
    pspReference: text(),
    merchantReference: text(),
    paymentMethod: text(),
    createdAt: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    type: text().notNull(),
    modificationReference: text(),
    grossCurrency: text(),
    grossDebit: bigint({ mode: "number" }),
    grossCredit: bigint({ mode: "number" }),
    exchangeRate: numeric({ precision: 20, scale: 10 }),
    netCurrency: text(),
    netDebit: bigint({ mode: "number" }),
    netCredit: bigint({ mode: "number" }),
    commission: bigint({ mode: "number" }),
    markup: bigint({ mode: "number" }),
    schemeFees: bigint({ mode: "number" }),
    interchange: bigint({ mode: "number" }),
    batchNumber: integer(),
  },
  (t) => [
    uniqueIndex("adyen_settlement_rows_line_uq").on(t.reportId, t.lineNo),
    index("adyen_settlement_rows_psp_idx").on(t.pspReference),
    index("adyen_settlement_rows_batch_idx").on(t.merchantAccount, t.batchNumber),
    index("adyen_settlement_rows_created_idx").on(t.createdAt),
  ],
);
export type AdyenSettlementRow = typeof adyenSettlementRows.$inferSelect;
