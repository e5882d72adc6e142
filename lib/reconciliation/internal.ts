import "server-only";
import type { Sql, TransactionSql } from "postgres";

/**
 * Our side of the books, as rows matching can join: the payment records
 * (one per payment intent, its refunded total and dispute flag derived from
 * the whole payment group by the records module) and payout records. Kept in
 * one place so matching SQL never depends on the records table's layout.
 *
 * Columns: kind ('payment' | 'payout'), object_id (a payment's payment intent
 * id), charge_id, status, amount, currency, amount_refunded, disputed,
 * customer, fee, created (the provider's `created`).
 */
export function internalRecords(sql: Sql | TransactionSql, provider: string) {
  return sql`
    select
      r.kind,
      r.object_id,
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
    where r.provider = ${provider} and r.kind in ('payment', 'payout')`;
}
