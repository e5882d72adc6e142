import "server-only";
import { rawSql } from "@/db";

/** What a pull tells its run as it goes: the list it reads, pages fetched and rows staged since, what it could not do. */
export type PullProgress = (update: {
  step?: string;
  pages?: number;
  staged?: number;
  warning?: string;
}) => Promise<void>;

/** What every pull of a provider's books for a run is given. */
export type PullInput = { runId: number; from: Date; to: Date; progress: PullProgress };

/** A provider object flattened for matching; see `reconciliationStaged`. */
export type StagedRow = {
  objectType: string;
  objectId: string;
  paymentIntentId?: string | null;
  chargeId?: string | null;
  status?: string | null;
  amount?: number | null;
  currency?: string | null;
  amountRefunded?: number | null;
  disputed?: boolean | null;
  customer?: string | null;
  fee?: number | null;
  net?: number | null;
  exchangeRate?: string | null;
  txnType?: string | null;
  source?: string | null;
  payoutId?: string | null;
  balanceTransactionId?: string | null;
  arrivalDate?: string | null;
  automatic?: boolean | null;
  /** ISO timestamp. */
  created: string;
  /** An unreceived event's payload, kept for recovery. */
  payload?: Record<string, unknown> | null;
};

const COLUMNS = [
  "run_id",
  "object_type",
  "object_id",
  "payment_intent_id",
  "charge_id",
  "status",
  "amount",
  "currency",
  "amount_refunded",
  "disputed",
  "customer",
  "fee",
  "net",
  "exchange_rate",
  "txn_type",
  "source",
  "payout_id",
  "balance_transaction_id",
  "arrival_date",
  "automatic",
  "created",
  "payload",
] as const;

/**
 * Stages one page in a single multi-row insert. A balance transaction seen
 * both in the period listing and in a payout's listing keeps its payout link.
 */
export async function stageRows({ runId, rows }: { runId: number; rows: readonly StagedRow[] }) {
  if (rows.length === 0) return 0;
  const sql = rawSql();
  const values = rows.map((row) => ({
    run_id: runId,
    object_type: row.objectType,
    object_id: row.objectId,
    payment_intent_id: row.paymentIntentId ?? null,
    charge_id: row.chargeId ?? null,
    status: row.status ?? null,
    amount: row.amount ?? null,
    currency: row.currency ?? null,
    amount_refunded: row.amountRefunded ?? null,
    disputed: row.disputed ?? null,
    customer: row.customer ?? null,
    fee: row.fee ?? null,
    net: row.net ?? null,
    exchange_rate: row.exchangeRate ?? null,
    txn_type: row.txnType ?? null,
    source: row.source ?? null,
    payout_id: row.payoutId ?? null,
    balance_transaction_id: row.balanceTransactionId ?? null,
    arrival_date: row.arrivalDate ?? null,
    automatic: row.automatic ?? null,
    created: row.created,
    // Sent as JSON text: PostgreSQL parses it into the jsonb column.
    payload: row.payload ? JSON.stringify(row.payload) : null,
  }));
  await sql`
    insert into reconciliation_staged ${sql(values, ...COLUMNS)}
    on conflict (run_id, object_type, object_id) do update
      set payout_id = coalesce(excluded.payout_id, reconciliation_staged.payout_id)`;
  return rows.length;
}
