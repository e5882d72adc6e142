import "server-only";
import type { PendingQuery, Row, Sql, TransactionSql } from "postgres";

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
const bookColumns = (sql: Sql | TransactionSql) => sql`
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
      r.provider_created_at as created`;

export function bookRecords({ sql, provider }: BooksInput) {
  return sql`
    select ${bookColumns(sql)}
    from records r
    where r.provider = ${provider} and r.kind in ('payment', 'charge', 'refund', 'dispute', 'payout')`;
}

/**
 * The payment and charge records of some payment groups, with bookRecords'
 * columns. `keys` is a query of distinct `key`s (payment keys). Each group's
 * records are looked up through the (provider, payment_id) and
 * (provider, object_id) indexes, so the cost follows the number of groups,
 * not the size of the books; the kind test stays a filter ("is true") so
 * the planner never walks every payment through the kind index instead.
 */
export function paymentGroupRecords({ sql, provider, keys }: BooksInput & { keys: PendingQuery<Row[]> }) {
  return sql`
    select ${bookColumns(sql)}
    from (${keys}) k
    join records r on r.provider = ${provider} and r.payment_id = k.key
    where (r.kind in ('payment', 'charge')) is true
    union all
    select ${bookColumns(sql)}
    from (${keys}) k
    join records r on r.provider = ${provider} and r.object_id = k.key and r.payment_id is null
    where (r.kind in ('payment', 'charge')) is true`;
}

/** The payment (one per payment intent) and payout records alone: what a payment or payout is on our books. */
export function internalRecords({ sql, provider }: BooksInput) {
  return sql`select * from (${bookRecords({ sql, provider })}) b where b.kind in ('payment', 'payout')`;
}
