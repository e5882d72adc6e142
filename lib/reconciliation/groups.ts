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
  await tx`
    create temp table recon_payment_groups on commit drop as
    select g.*, g.latest_charge is null or latest.object_id is not null as charges_known
    from (
      select coalesce(s.payment_intent_id, s.charge_id, s.object_id) as key,
        bool_or(s.payment_intent_id is not null) as keyed_by_intent,
        bool_or(s.object_type = 'payment_intent') as has_intent,
        coalesce(bool_or(s.created >= ${from} and s.created < ${to}) filter (
          where s.object_type = 'payment_intent' or (s.object_type = 'charge' and s.payment_intent_id is null)
        ), false) as in_period,
        coalesce(bool_or(s.created >= ${from} and s.created < ${to}) filter (
          where s.object_type in ('refund', 'dispute')), false) as child_in_period,
        min(s.status) filter (where s.object_type = 'payment_intent') as intent_status,
        min(s.amount) filter (where s.object_type = 'payment_intent') as intent_amount,
        min(s.currency) filter (where s.object_type = 'payment_intent') as intent_currency,
        min(s.created) filter (where s.object_type = 'payment_intent') as intent_created,
        min(s.charge_id) filter (where s.object_type = 'payment_intent') as latest_charge,
        count(*) filter (where s.object_type = 'charge') as charges,
        count(*) filter (where s.object_type = 'charge' and s.status in ('succeeded', 'pending')) as live_charges,
        -- Only a charge made without a payment intent stands for its payment's amount, and it is
        -- its group's only charge.
        min(s.object_id) filter (where s.object_type = 'charge') as charge_id,
        min(s.amount) filter (where s.object_type = 'charge') as charge_amount,
        min(s.currency) filter (where s.object_type = 'charge') as charge_currency,
        min(s.created) filter (where s.object_type = 'charge') as charge_created,
        coalesce(sum(s.amount_refunded) filter (where s.object_type = 'charge'), 0)::bigint as refunded,
        coalesce(bool_or(s.disputed) filter (where s.object_type = 'charge'), false)
          or bool_or(s.object_type = 'dispute') as disputed,
        coalesce(sum(s.amount) filter (where s.object_type = 'dispute'), 0)::bigint as disputed_amount
      from reconciliation_staged s
      where s.run_id = ${runId} and s.object_type in ('payment_intent', 'charge', 'refund', 'dispute')
      group by 1
    ) g
    left join reconciliation_staged latest on latest.run_id = ${runId} and latest.object_type = 'charge'
      and latest.object_id = g.latest_charge`;
  await tx`create unique index on recon_payment_groups (key)`;
  await tx`analyze recon_payment_groups`;
}
