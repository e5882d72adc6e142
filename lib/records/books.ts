import "server-only";
import type { Sql, TransactionSql } from "postgres";

type BooksInput = { sql: Sql | TransactionSql; provider: string };

/**
 * Our side of the books as a SQL fragment other modules join (reconciliation
 * matches a provider's staged books against it), so set-based matching keeps
 * its joins while only this module knows the records table's layout.
 *
 * Columns: kind ('payment' | 'charge' | 'refund' | 'dispute' | 'payout'),
 * object_id, payment_key (the payment group: a payment intent, or a charge
 * made without one; for refunds and disputes the payment they belong to),
 * charge_id, status, amount, currency, amount_refunded and disputed (derived
 * from the whole payment group when records are applied), customer, fee,
 * created (the provider's `created`).
 */
export function bookRecords({ sql, provider }: BooksInput) {
  return sql`
    select
      r.kind,
      r.object_id,
      coalesce(r.payment_id, r.object_id) as payment_key,
      r.charge_id,
      r.status,
      r.amount,
      r.currency,
      r.amount_refunded,
      r.disputed,
      r.customer_id as customer,
      r.fee,
      r.provider_created_at as created
    from records r
    where r.provider = ${provider} and r.kind in ('payment', 'charge', 'refund', 'dispute', 'payout')`;
}

/** The payment (one per payment intent) and payout records alone: what a payment or payout is on our books. */
export function internalRecords({ sql, provider }: BooksInput) {
  return sql`select * from (${bookRecords({ sql, provider })}) b where b.kind in ('payment', 'payout')`;
}
