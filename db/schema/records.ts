import { sql } from "drizzle-orm";
import { bigint, boolean, index, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

export const RECORD_KINDS = [
  "payment",
  "charge",
  "refund",
  "dispute",
  "subscription",
  "invoice",
  "checkout_session",
  "payout",
  "customer",
  "report",
] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/**
 * The internal transaction table: one row per provider object, holding the
 * newest snapshot processing has applied. `orderKey` is what makes delivery
 * order irrelevant: a snapshot replaces the row only when its key is greater
 * (see lib/records/order-key.ts). `amountRefunded` and `disputed` are derived
 * from the whole payment group (payment, charges, refunds, disputes).
 */
export const records = pgTable(
  "records",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    provider: text().notNull(),
    objectId: text().notNull(),
    kind: text().$type<RecordKind>().notNull(),
    status: text().notNull(),
    amount: bigint({ mode: "number" }),
    currency: text(),
    amountRefunded: bigint({ mode: "number" }).notNull().default(0),
    disputed: boolean().notNull().default(false),
    customerId: text(),
    // The payment group: a payment intent (Stripe), pay-in (MangoPay) or PSP reference (Adyen).
    paymentId: text(),
    chargeId: text(),
    // Another parent where one exists: an invoice's subscription, a subscription's customer.
    parentId: text(),
    // What the object itself last said about refunds and disputes (Stripe charges state both).
    ownAmountRefunded: bigint({ mode: "number" }),
    ownDisputed: boolean(),
    fee: bigint({ mode: "number" }),
    net: bigint({ mode: "number" }),
    providerCreatedAt: timestamp({ withTimezone: true, mode: "date" }),
    // Provider time of the newest snapshot applied.
    lastEventAt: timestamp({ withTimezone: true, mode: "date" }),
    lastEventId: text(),
    orderKey: text().notNull(),
    // Per column, the order key of the snapshot its value came from (see lib/records/apply.ts).
    fieldKeys: jsonb().$type<Record<string, string>>().notNull().default({}),
    data: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("records_provider_object_uq").on(t.provider, t.objectId),
    index("records_payment_idx").on(t.provider, t.paymentId),
    index("records_charge_idx")
      .on(t.provider, t.chargeId)
      .where(sql`${t.chargeId} is not null`),
    index("records_kind_created_idx").on(t.provider, t.kind, t.providerCreatedAt),
  ],
);
export type InternalRecord = typeof records.$inferSelect;
export type NewInternalRecord = typeof records.$inferInsert;
