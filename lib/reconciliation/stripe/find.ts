import "server-only";
import type { DiscrepancyKind } from "@/db/schema";
import { DUPLICATE_WINDOW_SECONDS, FX_TOLERANCE } from "../checks";
import { findDepositDifferences, findFeeMismatches, findPayoutDifferences } from "../ledger";
import type { MatchInput, Tx } from "../match";
import { findObjectDifferences } from "../objects";

/**
 * Stripe's books against ours: every object compared by id, payment totals
 * from the charges' own refunded totals and dispute flags, duplicates, fees
 * against the schedule, conversions against their rate, payout sums and bank
 * deposits.
 */
export async function findStripeDifferences(
  tx: Tx,
  checked: ReadonlySet<DiscrepancyKind>,
  input: MatchInput,
) {
  await findObjectDifferences(tx, checked, input, {
    paymentTotals: true,
    childrenListed: true,
    childStatuses: true,
  });
  if (checked.has("duplicate_charge")) await findDuplicateCharges(tx, input);
  if (checked.has("fee_mismatch")) await findFeeMismatches(tx, input);
  if (checked.has("fx_mismatch")) await findFxMismatches(tx, input);
  if (checked.has("payout_mismatch")) await findPayoutDifferences(tx, input);
  if (checked.has("deposit_missing") || checked.has("deposit_mismatch"))
    await findDepositDifferences(tx, input);
}

/** Two succeeded charges of one customer, amount and currency within the window: the later is the duplicate. */
async function findDuplicateCharges(tx: Tx, { runId, from, to }: MatchInput) {
  // A table first: PostgreSQL runs the select of a CREATE TABLE AS in parallel, never that of
  // an INSERT, and this self-join pairs every charge of the period.
  await tx`
    create temp table recon_duplicate_charges on commit drop as
    select distinct on (coalesce(later.payment_intent_id, later.object_id))
      'duplicate_charge'::text as kind,
      case when later.payment_intent_id is null then 'charge' else 'payment_intent' end as object_type,
      coalesce(later.payment_intent_id, later.object_id) as object_id, later.created as object_created_at,
      null::bigint as expected_amount, later.amount as actual_amount, later.currency,
      later.amount as amount_at_risk, '{}'::jsonb as expected,
      jsonb_build_object('amount', later.amount, 'currency', later.currency) as actual,
      jsonb_build_object(
        'charge_id', later.object_id, 'customer', later.customer,
        'duplicate_of_payment_intent', earlier.payment_intent_id, 'duplicate_of_charge', earlier.object_id,
        'seconds_apart', extract(epoch from later.created - earlier.created)::int) as details
    from reconciliation_staged later
    join reconciliation_staged earlier on earlier.run_id = later.run_id
      and earlier.object_type = 'charge' and earlier.status = 'succeeded'
      and earlier.customer = later.customer and earlier.amount = later.amount
      and earlier.currency = later.currency
      and (earlier.created, earlier.object_id) < (later.created, later.object_id)
      and later.created - earlier.created <= make_interval(secs => ${DUPLICATE_WINDOW_SECONDS})
    where later.run_id = ${runId} and later.object_type = 'charge' and later.status = 'succeeded'
      and later.customer is not null
      and later.created >= ${from} and later.created < ${to}
    order by coalesce(later.payment_intent_id, later.object_id), earlier.created desc`;
  await tx`
    insert into recon_findings (kind, object_type, object_id, object_created_at, expected_amount,
      actual_amount, currency, amount_at_risk, expected, actual, details)
    select kind, object_type, object_id, object_created_at, expected_amount, actual_amount, currency,
      amount_at_risk, expected, actual, details
    from recon_duplicate_charges
    on conflict do nothing`;
}

/** A converted settlement amount must equal the source amount at the transaction's own exchange rate. */
async function findFxMismatches(tx: Tx, { runId, from, to }: MatchInput) {
  await tx`
    insert into recon_findings (kind, object_type, object_id, object_created_at, expected_amount,
      actual_amount, currency, amount_at_risk, expected, actual, details)
    select 'fx_mismatch', case when src.payment_intent_id is null then 'charge' else 'payment_intent' end,
      coalesce(src.payment_intent_id, src.charge_id, src.object_id), t.created,
      round(src.amount * t.exchange_rate)::bigint, abs(t.amount), t.currency,
      abs(abs(t.amount) - round(src.amount * t.exchange_rate)::bigint),
      jsonb_build_object('amount', round(src.amount * t.exchange_rate)::bigint,
        'exchange_rate', t.exchange_rate, 'source_amount', src.amount, 'source_currency', src.currency),
      jsonb_build_object('amount', abs(t.amount), 'currency', t.currency),
      jsonb_build_object('balance_transaction', t.object_id, 'source', src.object_id,
        'charge_id', coalesce(src.charge_id, src.object_id))
    from reconciliation_staged t
    join reconciliation_staged src on src.run_id = t.run_id and src.object_id = t.source
      and src.object_type in ('charge', 'refund')
    where t.run_id = ${runId} and t.object_type = 'balance_transaction' and t.exchange_rate is not null
      and t.created >= ${from} and t.created < ${to}
      and abs(abs(t.amount) - round(src.amount * t.exchange_rate)) > ${FX_TOLERANCE}
    on conflict do nothing`;
}
