import "server-only";
import { bookRecords } from "@/lib/records/books";
import type { MatchInput, Tx } from "./match";

const CANDIDATE_PARALLEL_TUPLE_COST = "0.001";

/**
 * The payment groups matching must look at, found in one join by id of the
 * provider's payment intents and charges to ours (the cost of a bare join):
 * a group whose every object is on both sides with the same amount, currency,
 * status and payment, with nothing refunded or disputed on either side and no
 * refund or dispute staged, cannot differ in any payment-level kind, so it
 * is left out of the per-group tables. Groups with an open finding are kept,
 * so a run that no longer sees the finding can auto-resolve it.
 */
async function findCandidateGroups(tx: Tx, { runId, provider, from, to }: MatchInput) {
  // The planner cannot tell that the differences are a few in a million joined pairs, and
  // at the default cost of passing a row from a parallel worker it keeps the join serial:
  // about twice the bare join's time at a million payments.
  const [setting] = await tx<{ cost: string }[]>`select current_setting('parallel_tuple_cost') as cost`;
  await tx`select set_config('parallel_tuple_cost', ${CANDIDATE_PARALLEL_TUPLE_COST}, true)`;
  await tx`
    create temp table recon_candidates on commit drop as
    with staged as not materialized (
      select s.object_id, case s.object_type when 'payment_intent' then 'payment' else 'charge' end as kind,
        coalesce(s.payment_intent_id, s.object_id) as key, s.amount, s.currency, s.status,
        s.amount_refunded, s.disputed
      from reconciliation_staged s
      where s.run_id = ${runId} and s.object_type in ('payment_intent', 'charge')
    ),
    ours as (
      select b.object_id, b.kind, b.payment_key as key, b.amount, b.currency, b.status,
        b.amount_refunded, b.disputed, b.created
      from (${bookRecords({ sql: tx, provider })}) b
      where b.kind in ('payment', 'charge')
    ),
    -- Materialised, so the join stays apart from the sub-select below, which would keep it
    -- from running in parallel.
    differing as materialized (
      select s.key as staged_key, o.key as our_key, s.object_id is null as ours_only, o.created
      from staged s
      full outer join ours o on o.object_id = s.object_id and o.kind = s.kind
      where s.object_id is null or o.object_id is null
        or s.key is distinct from o.key
        or (s.amount, s.currency, s.status) is distinct from (o.amount, o.currency, o.status)
        or coalesce(s.amount_refunded, 0) <> 0 or coalesce(s.disputed, false)
        or o.amount_refunded <> 0 or o.disputed
    )
    select coalesce(staged_key, our_key) as key
    from differing
    -- Only ours and created before the period: a candidate when its payment was staged.
    where not ours_only or (created >= ${from} and created < ${to}) or our_key in (select key from staged)
    union
    select coalesce(s.payment_intent_id, s.charge_id, s.object_id)
    from reconciliation_staged s
    where s.run_id = ${runId} and s.object_type in ('refund', 'dispute')
    union
    select d.object_id from discrepancies d where d.provider = ${provider} and d.status = 'open'`;
  await tx`select set_config('parallel_tuple_cost', ${setting!.cost}, true)`;
  await tx`create unique index on recon_candidates (key)`;
  await tx`analyze recon_candidates`;
}

/** The staged objects of candidate groups, found through the staged payment-key index. */
export function candidateObjects(tx: Tx, runId: number) {
  return tx`
    select s.* from recon_candidates c
    join reconciliation_staged s on s.run_id = ${runId}
      and coalesce(s.payment_intent_id, s.charge_id, s.object_id) = c.key`;
}

/**
 * The provider's payments as staged, one row per candidate payment group: a
 * payment intent (MangoPay: a pay-in; Adyen: a PSP reference) with its
 * charges, refunds and disputes, or a charge made without a payment intent.
 * The key is what our records group by too (`payment_key` in lib/records/books.ts).
 *
 * - `in_period`: the payment itself was created in [from, to), so every
 *   payment-level kind is checked for it;
 * - `child_in_period`: a refund or dispute of it was, so its refunded total
 *   and dispute flag are checked even when the payment is older;
 * - `charges_known`: every charge the totals need is staged (the payment
 *   intent's latest charge among them), so totals may be compared.
 */
export async function buildPaymentGroups(tx: Tx, input: MatchInput) {
  const { runId, from, to } = input;
  await findCandidateGroups(tx, input);
  // One row per payment intent needs no aggregation; only the children are grouped, so a
  // period of a million payments is three scans and two hash joins, not one wide aggregate.
  await tx`
    create temp table recon_payment_groups on commit drop as
    with candidate_objects as (${candidateObjects(tx, runId)}),
    intents as (
      select s.object_id as key, s.status as intent_status, s.amount as intent_amount,
        s.currency as intent_currency, s.created as intent_created, s.charge_id as latest_charge,
        s.created >= ${from} and s.created < ${to} as in_period
      from candidate_objects s
      where s.object_type = 'payment_intent'
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
      from candidate_objects s
      where s.object_type = 'charge'
      group by 1
    ),
    children as (
      select coalesce(s.payment_intent_id, s.charge_id, s.object_id) as key,
        bool_or(s.payment_intent_id is not null) as keyed_by_intent,
        bool_or(s.created >= ${from} and s.created < ${to}) as child_in_period,
        bool_or(s.object_type = 'dispute') as has_dispute,
        coalesce(sum(s.amount) filter (where s.object_type = 'dispute'), 0)::bigint as disputed_amount
      from candidate_objects s
      where s.object_type in ('refund', 'dispute')
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
