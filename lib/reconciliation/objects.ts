import "server-only";
import type { DiscrepancyKind } from "@/db/schema";
import { UNSETTLED_INTENT_STATUSES } from "./checks";
import { bookRecords, paymentGroupRecords } from "@/lib/records/books";
import { candidateObjects } from "./groups";
import type { MatchInput, Tx } from "./match";

export type ObjectChecks = {
  /** The provider states each charge's refunded total and dispute flag (Stripe), so payment totals compare. */
  paymentTotals: boolean;
  /** Every refund and dispute created in the period is listed, so one only we hold is missing there. */
  childrenListed: boolean;
  /**
   * Refunds' and disputes' own statuses are compared with ours (a refund that
   * failed, a dispute won or lost). Their amounts are not: those show in the
   * payment's refunded total, one finding for one difference.
   */
  childStatuses: boolean;
};

/**
 * Our books per candidate payment group (see ./groups.ts): whether we recorded the payment at
 * all (its payment intent or any of its charges), and the amounts, status,
 * refunded total and dispute flag we hold for it. The records module derives
 * a payment's and a charge's refunded total and dispute flag from their whole
 * group, refunds and disputes included, so those two record kinds say it all.
 */
async function buildOurGroups(tx: Tx, { provider }: MatchInput) {
  await tx`
    create temp table recon_our_groups on commit drop as
    with books as (
      ${paymentGroupRecords({ sql: tx, provider, keys: tx`select key from recon_candidates` })}
    ),
    intents as (select * from books where kind = 'payment'),
    charges as (
      select payment_key as key, count(*) as charges, min(object_id) as charge_id, min(amount) as amount,
        min(currency) as currency, min(created) as created, sum(amount_refunded)::bigint as refunded,
        bool_or(disputed) as disputed
      from books where kind = 'charge'
      group by 1
    )
    select coalesce(i.payment_key, c.key) as key, i.object_id is not null as has_intent,
      coalesce(c.charges, 0) as charges, i.status as intent_status,
      coalesce(i.amount, c.amount) as amount, coalesce(i.currency, c.currency) as currency,
      coalesce(i.created, c.created) as created, c.charge_id,
      -- Without a payment record the charges' totals are the best we hold.
      coalesce(i.amount_refunded, c.refunded, 0)::bigint as refunded,
      coalesce(i.disputed, c.disputed, false) as disputed
    from intents i full outer join charges c on c.key = i.payment_key`;
}

/**
 * The findings every provider's API books support, set-based:
 * - per payment group: missing on our side (we recorded neither the payment
 *   nor any of its charges, and money moved), missing at the provider, and —
 *   where the provider states them — refunded totals and dispute flags;
 * - per object, matched by id (payment intent, charge, refund, dispute,
 *   payout): amount, currency and status, each compared with our record of
 *   the same object. A payment's and its charges' differences name the payment;
 * - payouts missing on either side.
 * A payment's refunds and disputes are compared only once we hold the payment:
 * a missing payment is one finding, not one per thing it lacks.
 */
export async function findObjectDifferences(
  tx: Tx,
  checked: ReadonlySet<DiscrepancyKind>,
  input: MatchInput,
  checks: ObjectChecks,
) {
  const { runId, provider, from, to } = input;
  const kinds = [...checked];
  await buildOurGroups(tx, input);

  await tx`
    insert into recon_findings (kind, object_type, object_id, object_created_at, expected_amount,
      actual_amount, currency, amount_at_risk, expected, actual, details)
    select f.kind, j.object_type, j.key, j.created, f.expected_amount, f.actual_amount, j.currency,
      f.at_risk, f.expected, f.actual, jsonb_strip_nulls(f.details || j.details)
    from (
      select coalesce(p.key, o.key) as key,
        case when coalesce(p.keyed_by_intent, o.has_intent) then 'payment_intent' else 'charge' end as object_type,
        coalesce(p.intent_created, p.charge_created, o.created) as created,
        coalesce(p.intent_currency, p.charge_currency, o.currency) as currency,
        coalesce(p.intent_amount, p.charge_amount) as p_amount,
        coalesce(p.intent_status, case when p.charge_id is not null then 'succeeded' end) as p_status,
        p.key is not null as at_provider, coalesce(p.in_period, false) as in_period,
        coalesce(p.in_period or p.child_in_period, false) as totals_in_period,
        -- An intent canceled before any charge, like one that never got past requires_*, moved no money.
        coalesce(p.has_intent and p.intent_status <> all(${UNSETTLED_INTENT_STATUSES})
          and not (p.intent_status = 'canceled' and p.charges = 0), false)
          or coalesce(p.live_charges, 0) > 0 as money_moved,
        p.charges > 0 and p.charges_known as totals_known,
        p.refunded as p_refunded, p.disputed as p_disputed, p.disputed_amount,
        o.key is not null and (o.has_intent or o.charges > 0) as recorded,
        o.amount as o_amount, o.intent_status as o_status, o.refunded as o_refunded, o.disputed as o_disputed,
        o.created >= ${from} and o.created < ${to} as o_in_period,
        jsonb_build_object('charge_id', coalesce(p.latest_charge, p.charge_id, o.charge_id),
          'refunds', (select jsonb_agg(c.object_id order by c.object_id) from reconciliation_staged c
            where c.run_id = ${runId} and c.object_type = 'refund'
              and coalesce(c.payment_intent_id, c.charge_id, c.object_id) = p.key),
          'disputes', (select jsonb_agg(c.object_id order by c.object_id) from reconciliation_staged c
            where c.run_id = ${runId} and c.object_type = 'dispute'
              and coalesce(c.payment_intent_id, c.charge_id, c.object_id) = p.key)) as details
      from recon_payment_groups p
      full outer join recon_our_groups o on o.key = p.key
      -- Only groups that differ somewhere go on to classification, so the per-kind expressions
      -- run for the few differences, not for every matched pair.
      where p.key is null or o.key is null or not (o.has_intent or o.charges > 0)
        or p.refunded <> o.refunded or p.disputed <> o.disputed
    ) j
    cross join lateral (values
      ('missing_internal', j.in_period and not coalesce(j.recorded, false) and j.money_moved,
        j.p_amount, null::bigint, coalesce(j.p_amount, 0),
        jsonb_build_object('status', j.p_status, 'amount', j.p_amount, 'currency', j.currency), '{}'::jsonb,
        '{}'::jsonb),
      ('missing_at_provider', not j.at_provider and coalesce(j.recorded and j.o_in_period, false),
        null, j.o_amount, coalesce(j.o_amount, 0),
        '{}'::jsonb, jsonb_build_object('status', j.o_status, 'amount', j.o_amount, 'currency', j.currency),
        '{}'::jsonb),
      ('refund_mismatch', ${checks.paymentTotals} and j.totals_in_period and j.recorded and j.totals_known
          and j.p_refunded <> j.o_refunded,
        j.p_refunded, j.o_refunded, abs(j.p_refunded - j.o_refunded),
        jsonb_build_object('amount_refunded', j.p_refunded), jsonb_build_object('amount_refunded', j.o_refunded),
        '{}'::jsonb),
      ('dispute_mismatch', ${checks.paymentTotals} and j.totals_in_period and j.recorded
          and (j.totals_known or j.p_disputed) and j.p_disputed <> j.o_disputed,
        j.p_amount, j.o_amount, coalesce(nullif(j.disputed_amount, 0), j.p_amount, j.o_amount, 0),
        jsonb_build_object('disputed', j.p_disputed), jsonb_build_object('disputed', j.o_disputed),
        '{}'::jsonb)
    ) as f(kind, hit, expected_amount, actual_amount, at_risk, expected, actual, details)
    where f.hit and f.kind = any(${kinds})
    on conflict do nothing`;

  // Object by object: the payment intent's own difference names a payment's finding first.
  await tx`
    insert into recon_findings (kind, object_type, object_id, object_created_at, expected_amount,
      actual_amount, currency, amount_at_risk, expected, actual, details)
    select f.kind, d.object_type, d.key, d.created, f.expected_amount, f.actual_amount, d.currency,
      f.at_risk, f.expected, f.actual, jsonb_strip_nulls(d.details)
    from (
      select s.object_type as staged_type, s.object_type in ('refund', 'dispute') as child,
        case when s.object_type in ('payment_intent', 'charge')
          then case when p.keyed_by_intent then 'payment_intent' else 'charge' end
          else s.object_type end as object_type,
        case when s.object_type in ('payment_intent', 'charge') then p.key else s.object_id end as key,
        case when s.object_type in ('payment_intent', 'charge')
          then coalesce(p.intent_created, p.charge_created) else s.created end as created,
        s.amount as p_amount, s.currency, s.status as p_status,
        b.amount as o_amount, b.currency as o_currency, b.status as o_status,
        jsonb_build_object('object', s.object_type, 'object_id', s.object_id,
          'charge_id', case when s.object_type in ('payment_intent', 'charge')
            then coalesce(p.latest_charge, p.charge_id) else s.charge_id end,
          'payment', case when s.object_type in ('refund', 'dispute')
            then coalesce(s.payment_intent_id, s.charge_id) end) as details
      from (
        select * from (${candidateObjects(tx, runId)}) c where c.object_type in ('payment_intent', 'charge')
        union all
        select * from reconciliation_staged
        where run_id = ${runId} and object_type in ('refund', 'dispute', 'payout')
      ) s
      join (${bookRecords({ sql: tx, provider })}) b on b.object_id = s.object_id
        and b.kind = case s.object_type when 'payment_intent' then 'payment' else s.object_type end
      left join recon_payment_groups p on s.object_type in ('payment_intent', 'charge')
        and p.key = coalesce(s.payment_intent_id, s.charge_id, s.object_id)
      -- A payment intent or charge that differs from our record makes its group a candidate.
      where (s.amount, s.currency, s.status) is distinct from (b.amount, b.currency, b.status)
        and (s.object_type not in ('refund', 'dispute') or ${checks.childStatuses})
        and case when s.object_type in ('payment_intent', 'charge') then coalesce(p.in_period, false)
          else s.created >= ${from} and s.created < ${to} end
    ) d
    cross join lateral (values
      ('amount_mismatch', not d.child and d.p_amount is distinct from d.o_amount,
        d.p_amount, d.o_amount, abs(coalesce(d.p_amount, 0) - coalesce(d.o_amount, 0)),
        jsonb_build_object('amount', d.p_amount), jsonb_build_object('amount', d.o_amount)),
      ('currency_mismatch', not d.child and d.currency is distinct from d.o_currency,
        d.p_amount, d.o_amount, coalesce(d.p_amount, 0),
        jsonb_build_object('currency', d.currency), jsonb_build_object('currency', d.o_currency)),
      ('status_mismatch', d.p_status is distinct from d.o_status,
        d.p_amount, d.o_amount, coalesce(d.p_amount, 0),
        jsonb_build_object('status', d.p_status), jsonb_build_object('status', d.o_status))
    ) as f(kind, hit, expected_amount, actual_amount, at_risk, expected, actual)
    where f.hit and f.kind = any(${kinds})
    order by d.staged_type = 'payment_intent' desc, d.key
    on conflict do nothing`;

  await tx`
    insert into recon_findings (kind, object_type, object_id, object_created_at, expected_amount,
      actual_amount, currency, amount_at_risk, expected, actual, details)
    select f.kind, j.object_type, j.object_id, j.created, f.expected_amount, f.actual_amount, j.currency,
      f.at_risk, f.expected, f.actual, '{}'::jsonb
    from (
      select coalesce(s.object_id, b.object_id) as object_id, coalesce(s.object_type, b.kind) as object_type,
        coalesce(s.created, b.created) as created, coalesce(s.currency, b.currency) as currency,
        s.object_id is not null as at_provider, b.object_id is not null as recorded,
        s.status as p_status, s.amount as p_amount, b.status as o_status, b.amount as o_amount
      from (select * from reconciliation_staged
            where run_id = ${runId} and object_type in ('payout', 'refund', 'dispute')) s
      full outer join (select * from (${bookRecords({ sql: tx, provider })}) r
            where r.kind in ('payout', 'refund', 'dispute')) b
        on b.object_id = s.object_id
      where (s.created >= ${from} and s.created < ${to})
        or (s.object_id is null and b.created >= ${from} and b.created < ${to})
    ) j
    cross join lateral (values
      ('missing_internal', j.object_type = 'payout' and not j.recorded,
        j.p_amount, null::bigint, coalesce(j.p_amount, 0),
        jsonb_build_object('status', j.p_status, 'amount', j.p_amount, 'currency', j.currency), '{}'::jsonb),
      ('missing_at_provider', not j.at_provider and (j.object_type = 'payout' or ${checks.childrenListed}),
        null, j.o_amount, coalesce(j.o_amount, 0),
        '{}'::jsonb, jsonb_build_object('status', j.o_status, 'amount', j.o_amount, 'currency', j.currency))
    ) as f(kind, hit, expected_amount, actual_amount, at_risk, expected, actual)
    where f.hit and f.kind = any(${kinds})
    on conflict do nothing`;
}
