import "server-only";
import type { MatchInput, Tx } from "./match";

/**
 * The provider's payments as staged, one row per payment group: a payment
 * intent (MangoPay: a pay-in; Adyen: a PSP reference) with its charges,
 * refunds and disputes, or a charge made without a payment intent. The key is
 * what our records group by too (`payment_key` in ./internal.ts).
 *
 * - `in_period`: the payment itself was created in [from, to), so every
 *   payment-level kind is checked for it;
 * - `child_in_period`: a refund or dispute of it was, so its refunded total
 *   and dispute flag are checked even when the payment is older;
 * - `charges_known`: every charge the totals need is staged (the payment
 *   intent's latest charge among them), so totals may be compared.
 */
export async function buildPaymentGroups(tx: Tx, { runId, from, to }: MatchInput) {
  // One row per payment intent needs no aggregation; only the children are grouped, so a
  // period of a million payments is three scans and two hash joins, not one wide aggregate.
  await tx`
    create temp table recon_payment_groups on commit drop as
    with intents as (
      select s.object_id as key, s.status as intent_status, s.amount as intent_amount,
        s.currency as intent_currency, s.created as intent_created, s.charge_id as latest_charge,
        s.created >= ${from} and s.created < ${to} as in_period
      from reconciliation_staged s
      where s.run_id = ${runId} and s.object_type = 'payment_intent'
    ),
    charges as (
      select coalesce(s.payment_intent_id, s.object_id) as key,
        bool_or(s.payment_intent_id is not null) as keyed_by_intent,
        -- A charge made without a payment intent is its own payment, and its group's only charge.
        coalesce(bool_or(s.created >= ${from} and s.created < ${to}) filter (where s.payment_intent_id is null),
          false) as in_period,
        count(*) as charges,
        count(*) filter (where s.status in ('succeeded', 'pending')) as live_charges,
        min(s.object_id) as charge_id, min(s.amount) as charge_amount, min(s.currency) as charge_currency,
        min(s.created) as charge_created,
        coalesce(sum(s.amount_refunded), 0)::bigint as refunded,
        coalesce(bool_or(s.disputed), false) as disputed
      from reconciliation_staged s
      where s.run_id = ${runId} and s.object_type = 'charge'
      group by 1
    ),
    children as (
      select coalesce(s.payment_intent_id, s.charge_id, s.object_id) as key,
        bool_or(s.payment_intent_id is not null) as keyed_by_intent,
        bool_or(s.created >= ${from} and s.created < ${to}) as child_in_period,
        bool_or(s.object_type = 'dispute') as has_dispute,
        coalesce(sum(s.amount) filter (where s.object_type = 'dispute'), 0)::bigint as disputed_amount
      from reconciliation_staged s
      where s.run_id = ${runId} and s.object_type in ('refund', 'dispute')
      group by 1
    ),
    joined as (
      select coalesce(i.key, c.key) as key, i.key is not null as has_intent,
        i.key is not null or coalesce(c.keyed_by_intent, false) as keyed_by_intent,
        coalesce(i.in_period, c.in_period, false) as in_period,
        i.intent_status, i.intent_amount, i.intent_currency, i.intent_created, i.latest_charge,
        coalesce(c.charges, 0) as charges, coalesce(c.live_charges, 0) as live_charges,
        c.charge_id, c.charge_amount, c.charge_currency, c.charge_created,
        coalesce(c.refunded, 0) as refunded, coalesce(c.disputed, false) as disputed
      from intents i full outer join charges c on c.key = i.key
    )
    select coalesce(j.key, k.key) as key,
      coalesce(j.has_intent, false) as has_intent,
      coalesce(j.keyed_by_intent, false) or coalesce(k.keyed_by_intent, false) as keyed_by_intent,
      coalesce(j.in_period, false) as in_period,
      coalesce(k.child_in_period, false) as child_in_period,
      j.intent_status, j.intent_amount, j.intent_currency, j.intent_created, j.latest_charge,
      coalesce(j.charges, 0) as charges, coalesce(j.live_charges, 0) as live_charges,
      j.charge_id, j.charge_amount, j.charge_currency, j.charge_created,
      coalesce(j.refunded, 0) as refunded,
      coalesce(j.disputed, false) or coalesce(k.has_dispute, false) as disputed,
      coalesce(k.disputed_amount, 0) as disputed_amount,
      j.latest_charge is null or latest.object_id is not null as charges_known
    from joined j
    full outer join children k on k.key = j.key
    left join reconciliation_staged latest on latest.run_id = ${runId} and latest.object_type = 'charge'
      and latest.object_id = j.latest_charge`;
  await tx`create unique index on recon_payment_groups (key)`;
  await tx`analyze recon_payment_groups`;
}
