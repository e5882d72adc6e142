import "server-only";
import { DEPOSIT_WINDOW_DAYS, DEPOSITED_PAYOUT_STATUSES } from "./checks";
import type { MatchInput, Tx } from "./match";

/**
 * Findings from the provider's ledger alone (balance transactions, payouts)
 * and the imported bank statements, for every provider whose books are
 * ledger-shaped: Stripe's API and Adyen's settlement report (fees, payout
 * sums), Stripe's and MangoPay's payouts (bank deposits).
 */

/** expected = round(amount × percent / 100) + fixed, from the first rule for the settlement currency. */
export async function findFeeMismatches(tx: Tx, { runId, from, to, feeSchedule }: MatchInput) {
  const rules = JSON.stringify(feeSchedule!.rules);
  await tx`
    insert into recon_findings (kind, object_type, object_id, object_created_at, expected_amount,
      actual_amount, currency, amount_at_risk, expected, actual, details)
    select 'fee_mismatch', case when ch.payment_intent_id is null then 'charge' else 'payment_intent' end,
      coalesce(ch.payment_intent_id, ch.object_id), ch.created,
      fee.expected, t.fee, t.currency, abs(t.fee - fee.expected),
      jsonb_build_object('fee', fee.expected, 'rule', rule.value),
      jsonb_build_object('fee', t.fee),
      jsonb_build_object('charge_id', ch.object_id, 'balance_transaction', t.object_id,
        'tolerance', ${feeSchedule!.tolerance}::int)
    from reconciliation_staged ch
    join reconciliation_staged t on t.run_id = ch.run_id and t.object_type = 'balance_transaction'
      and t.object_id = ch.balance_transaction_id
    cross join lateral (
      select r.value from jsonb_array_elements(${rules}::jsonb) with ordinality as r(value, position)
      where lower(r.value->>'currency') = t.currency
      order by r.position limit 1
    ) rule
    cross join lateral (
      select (round(t.amount * (rule.value->>'percent')::numeric / 100)
        + (rule.value->>'fixed')::numeric)::bigint as expected
    ) fee
    where ch.run_id = ${runId} and ch.object_type = 'charge' and ch.status = 'succeeded'
      and ch.created >= ${from} and ch.created < ${to}
      and abs(t.fee - fee.expected) > ${feeSchedule!.tolerance}
    on conflict do nothing`;
}

/** Payout amount vs the net of the transactions it paid out, leaving out the payout's own transaction. */
export async function findPayoutDifferences(tx: Tx, { runId, from, to }: MatchInput) {
  await tx`
    insert into recon_findings (kind, object_type, object_id, object_created_at, expected_amount,
      actual_amount, currency, amount_at_risk, expected, actual, details)
    select 'payout_mismatch', 'payout', po.object_id, po.created, sums.net, po.amount, po.currency,
      abs(po.amount - sums.net),
      jsonb_build_object('amount', sums.net), jsonb_build_object('amount', po.amount),
      jsonb_build_object('transactions', sums.count)
    from reconciliation_staged po
    cross join lateral (
      select coalesce(sum(t.net), 0)::bigint as net, count(t.object_id) as count
      from reconciliation_staged t
      where t.run_id = po.run_id and t.object_type = 'balance_transaction' and t.payout_id = po.object_id
        and t.object_id is distinct from po.balance_transaction_id
        and not (t.txn_type = 'payout' and t.source = po.object_id)
    ) sums
    where po.run_id = ${runId} and po.object_type = 'payout' and po.automatic
      and po.status not in ('failed', 'canceled')
      and po.created >= ${from} and po.created < ${to}
      and po.amount <> sums.net
    on conflict do nothing`;
}

/**
 * Paid payouts arriving on a date an imported statement covers need a bank
 * deposit: by reference (payout id) first, else same amount and currency
 * within a few days of arrival.
 */
export async function findDepositDifferences(tx: Tx, { runId, from, to }: MatchInput) {
  await tx`
    insert into recon_findings (kind, object_type, object_id, object_created_at, expected_amount,
      actual_amount, currency, amount_at_risk, expected, actual, details)
    with covered as (
      select po.*, (po.arrival_date at time zone 'UTC')::date as arrival
      from reconciliation_staged po
      where po.run_id = ${runId} and po.object_type = 'payout'
        and po.status = any(${DEPOSITED_PAYOUT_STATUSES})
        and po.created >= ${from} and po.created < ${to}
        and exists (
          select 1 from bank_statements s
          where (po.arrival_date at time zone 'UTC')::date between s.covers_from and s.covers_to
        )
    ),
    m as (
      select c.*,
        (select d from bank_deposits d
          where d.currency = c.currency and position(lower(c.object_id) in lower(d.reference)) > 0
          order by abs(d.booked_on - c.arrival) limit 1) as by_reference,
        (select d from bank_deposits d
          where d.currency = c.currency and d.amount = c.amount
            and d.booked_on between c.arrival - ${DEPOSIT_WINDOW_DAYS}::int and c.arrival + ${DEPOSIT_WINDOW_DAYS}::int
          order by abs(d.booked_on - c.arrival) limit 1) as by_amount
      from covered c
    )
    select case when (m.by_reference).id is not null then 'deposit_mismatch' else 'deposit_missing' end,
      'payout', m.object_id, m.created, m.amount, (m.by_reference).amount, m.currency,
      abs(m.amount - coalesce((m.by_reference).amount, 0)),
      jsonb_build_object('amount', m.amount, 'arrival_date', m.arrival),
      coalesce(jsonb_build_object('amount', (m.by_reference).amount, 'booked_on', (m.by_reference).booked_on,
        'reference', (m.by_reference).reference), '{}'),
      jsonb_strip_nulls(jsonb_build_object('deposit_id', (m.by_reference).id))
    from m
    where ((m.by_reference).id is not null and (m.by_reference).amount <> m.amount)
       or ((m.by_reference).id is null and (m.by_amount).id is null)
    on conflict do nothing`;
}
