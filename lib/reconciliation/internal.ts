import "server-only";
import type { Sql, TransactionSql } from "postgres";

/**
 * Our side of the books, as rows matching can join: one per internal record
 * with the provider object id it mirrors. Kept in one place so the matching
 * SQL never depends on how the records module lays its table out.
 *
 * Columns: kind ('payment' | 'refund' | 'dispute' | 'payout' | …), object_id
 * (a payment's payment intent id), charge_id, status, amount, currency,
 * amount_refunded, disputed, customer, fee, created.
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
      r.customer,
      r.fee,
      r.provider_created_at as created
    from records r
    where r.provider = ${provider}`;
}
