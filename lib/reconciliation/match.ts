import "server-only";
import type { Sql, TransactionSql } from "postgres";
import type { DiscrepancyKind, FeeRule, RunKind } from "@/db/schema";
import {
  DEPOSIT_WINDOW_DAYS,
  DUPLICATE_WINDOW_SECONDS,
  FX_TOLERANCE,
  KINDS_CHECKED,
  UNSETTLED_INTENT_STATUSES,
} from "./checks";
import { internalRecords } from "./internal";

export type MatchInput = {
  runId: number;
  provider: string;
  kind: RunKind;
  /** ISO timestamps: the run covers provider `created` in [from, to). */
  from: string;
  to: string;
  feeSchedule: { rules: FeeRule[]; tolerance: number } | null;
  /**
   * Asked about each object only we have: true when the provider does know it
   * (it was created outside the period), so it is not missing there.
   */
  existsAtProvider?: (candidate: { objectType: string; objectId: string }) => Promise<boolean>;
  /**
   * Books that are not Stripe-shaped (an Adyen report, MangoPay's resources) come with their
   * own finders for the kinds they can check; only those kinds are then seen or auto-resolved.
   */
  findings?: {
    kinds: readonly DiscrepancyKind[];
    find: (tx: Tx, checked: ReadonlySet<DiscrepancyKind>, input: MatchInput) => Promise<void>;
  };
};

/**
 * Matching joins a whole period of provider objects to our books in one hash
 * join. At the default 4 MB its hash tables spill to temporary files in many
 * batches (16 at a million rows), which made a run several times slower than
 * the join itself and very sensitive to disk load. A run is one job at a
 * time, so its transaction may use this much memory per hash.
 */
export const MATCH_WORK_MEM = "256MB";

export type MatchResult = { counts: Partial<Record<DiscrepancyKind, number>>; matched: number };

/**
 * Classifies the run's staged provider objects against our records in a few
 * set-based statements (a full outer join per object family, then one
 * classification pass), and folds the findings into `discrepancies`: new ones
 * open, seen ones refreshed, vanished ones auto-resolved, finance's decisions kept.
 */
export async function matchRun(sql: Sql, input: MatchInput): Promise<MatchResult> {
  return sql.begin(async (tx) => {
    await tx`select set_config('work_mem', ${MATCH_WORK_MEM}, true)`;
    // The planner cannot tell how few joined rows survive the "differs somewhere" filter and
    // prices shipping them from parallel workers as if all did, so it would scan serially.
    await tx`select set_config('parallel_tuple_cost', '0.001', true)`;
    await tx`
      create temp table recon_findings (
        kind text not null,
        object_type text not null,
        object_id text not null,
        object_created_at timestamptz,
        expected_amount bigint,
        actual_amount bigint,
        currency text,
        amount_at_risk bigint not null default 0,
        expected jsonb not null default '{}',
        actual jsonb not null default '{}',
        details jsonb not null default '{}',
        primary key (kind, object_id)
      ) on commit drop`;
    const [books] = await tx<{ present: boolean }[]>`
      select to_regclass('records') is not null as present`;
    // Without a schedule fees are not checked, and without internal books nothing is compared
    // against them: earlier findings of those kinds are then neither seen nor cleared.
    const checked = new Set(
      KINDS_CHECKED[input.kind].filter(
        (kind) =>
          (kind !== "fee_mismatch" || input.feeSchedule) &&
          (books?.present || !NEEDS_INTERNAL_BOOKS.includes(kind)) &&
          (!input.findings || input.findings.kinds.includes(kind)),
      ),
    );
    if (input.findings) await input.findings.find(tx, checked, input);
    else {
      if (checked.has("missing_internal")) await findRecovered(tx, input);
      if (checked.has("amount_mismatch")) await findPaymentDifferences(tx, input);
      if (checked.has("duplicate_charge")) await findDuplicateCharges(tx, input);
      if (checked.has("fee_mismatch")) await findFeeMismatches(tx, input);
      if (checked.has("fx_mismatch")) await findFxMismatches(tx, input);
      if (checked.has("payout_mismatch")) await findPayoutDifferences(tx, input);
      if (checked.has("deposit_missing")) await findDepositDifferences(tx, input);
    }
    if (input.existsAtProvider) await confirmMissingAtProvider(tx, input.existsAtProvider);

    // Matched = staged objects minus those with a finding. Counted from the few findings
    // (index probes) rather than by an anti-join that hashes every staged row again.
    const [matched] = await tx<{ count: string }[]>`
      select
        (select count(*) from reconciliation_staged
          where run_id = ${input.runId} and object_type in ('payment_intent', 'payout'))
        - (select count(*) from reconciliation_staged s
            where s.run_id = ${input.runId} and s.object_type in ('payment_intent', 'payout')
              and s.object_id in (select object_id from recon_findings)) as count`;
    await foldIntoDiscrepancies(tx, input, [...checked]);
    const rows = await tx<{ kind: DiscrepancyKind; count: string }[]>`
      select kind, count(*) as count from recon_findings group by kind`;
    return {
      counts: Object.fromEntries(rows.map((row) => [row.kind, Number(row.count)])),
      matched: Number(matched?.count ?? 0),
    };
  }) as Promise<MatchResult>;
}

export type Tx = TransactionSql;

const NEEDS_INTERNAL_BOOKS: DiscrepancyKind[] = [
  "missing_internal",
  "missing_at_provider",
  "amount_mismatch",
  "currency_mismatch",
  "status_mismatch",
  "refund_mismatch",
  "dispute_mismatch",
];

/** Events the provider listed that never reached us: the objects they touch are missing a webhook. */
export async function findRecovered(tx: Tx, { runId }: MatchInput) {
  await tx`
    insert into recon_findings (kind, object_type, object_id, object_created_at, expected_amount,
      currency, amount_at_risk, expected, details)
    select 'missing_internal',
      case when e.payment_intent_id is not null then 'payment_intent' else min(e.status) end,
      coalesce(e.payment_intent_id, e.source),
      coalesce(min(o.created), min(e.created)),
      min(o.amount), min(o.currency), coalesce(min(o.amount), 0),
      coalesce(jsonb_build_object('status', min(o.status), 'amount', min(o.amount), 'currency', min(o.currency)), '{}'),
      jsonb_build_object(
        'recovered', true,
        'charge_id', min(e.charge_id),
        'events', jsonb_agg(e.object_id order by e.created),
        'event_types', jsonb_agg(e.txn_type order by e.created))
    from reconciliation_staged e
    left join reconciliation_staged o on o.run_id = e.run_id
      and o.object_id = coalesce(e.payment_intent_id, e.source)
      and o.object_type in ('payment_intent', 'payout', 'charge')
    where e.run_id = ${runId} and e.object_type = 'recovered_event'
      and coalesce(e.payment_intent_id, e.source) is not null
    group by coalesce(e.payment_intent_id, e.source), e.payment_intent_id
    on conflict do nothing`;
}

/**
 * Payments (keyed by payment intent, charge facts alongside) and payouts:
 * one full outer join each against our records, then every applicable kind
 * emitted from the joined row.
 */
export async function findPaymentDifferences(tx: Tx, input: MatchInput) {
  const { runId, provider, from, to } = input;
  // Two statements, not one INSERT … SELECT: PostgreSQL never runs the SELECT of an
  // INSERT in parallel, while CREATE TABLE AS may, and the join is most of a run's time.
  await tx`
    create temp table recon_payment_differences on commit drop as
    with p as (
      select pi.object_id as id, pi.status, pi.amount, pi.currency, pi.created,
        ch.object_id as charge_id, ch.amount_refunded, ch.disputed
      from reconciliation_staged pi
      left join reconciliation_staged ch on ch.run_id = pi.run_id and ch.object_type = 'charge'
        and ch.object_id = pi.charge_id
      where pi.run_id = ${runId} and pi.object_type = 'payment_intent'
        and pi.created >= ${from} and pi.created < ${to}
      union all
      select po.object_id, po.status, po.amount, po.currency, po.created, null, null, null
      from reconciliation_staged po
      where po.run_id = ${runId} and po.object_type = 'payout'
        and po.created >= ${from} and po.created < ${to}
    ),
    i as (
      select * from (${internalRecords(tx, provider)}) r where r.kind in ('payment', 'payout')
    ),
    j as (
      select p.id as p_id, p.status as p_status, p.amount as p_amount, p.currency as p_currency,
        p.created as p_created, p.charge_id as p_charge_id,
        coalesce(p.amount_refunded, 0) as p_refunded, coalesce(p.disputed, false) as p_disputed,
        i.object_id as i_id, i.kind as i_kind, i.status as i_status, i.amount as i_amount,
        i.currency as i_currency, i.created as i_created, i.charge_id as i_charge_id,
        coalesce(i.amount_refunded, 0) as i_refunded, coalesce(i.disputed, false) as i_disputed,
        case when coalesce(p.id, i.object_id) like 'po\\_%' or i.kind = 'payout' then 'payout'
             else 'payment_intent' end as object_type
      from p full outer join i on i.object_id = p.id
      where p.id is not null or (i.created >= ${from} and i.created < ${to})
    ),
    -- Only rows that differ somewhere go on to classification, so the per-kind
    -- expressions run for the few differences, not for every matched pair.
    d as (
      select * from j
      where j.p_id is null or j.i_id is null
        or (j.p_amount, j.p_currency, j.p_status) is distinct from (j.i_amount, j.i_currency, j.i_status)
        or (j.object_type = 'payment_intent' and (j.p_refunded <> j.i_refunded or j.p_disputed <> j.i_disputed))
    )
    select * from d`;
  await tx`
    insert into recon_findings (kind, object_type, object_id, object_created_at, expected_amount,
      actual_amount, currency, amount_at_risk, expected, actual, details)
    select f.kind, j.object_type, coalesce(j.p_id, j.i_id), coalesce(j.p_created, j.i_created),
      f.expected_amount, f.actual_amount, coalesce(j.p_currency, j.i_currency), f.at_risk,
      f.expected, f.actual,
      jsonb_strip_nulls(jsonb_build_object('charge_id', coalesce(j.p_charge_id, j.i_charge_id)))
    from recon_payment_differences j
    cross join lateral (values
      ('missing_internal', j.i_id is null
          and (j.object_type = 'payout' or j.p_status <> all(${UNSETTLED_INTENT_STATUSES}) or j.p_charge_id is not null),
        j.p_amount, null::bigint, j.p_amount,
        jsonb_build_object('status', j.p_status, 'amount', j.p_amount, 'currency', j.p_currency), '{}'::jsonb),
      ('missing_at_provider', j.p_id is null,
        null, j.i_amount, j.i_amount,
        '{}'::jsonb, jsonb_build_object('status', j.i_status, 'amount', j.i_amount, 'currency', j.i_currency)),
      ('amount_mismatch', j.p_id is not null and j.i_id is not null and j.p_amount is distinct from j.i_amount,
        j.p_amount, j.i_amount, abs(coalesce(j.p_amount, 0) - coalesce(j.i_amount, 0)),
        jsonb_build_object('amount', j.p_amount), jsonb_build_object('amount', j.i_amount)),
      ('currency_mismatch', j.p_id is not null and j.i_id is not null and j.p_currency is distinct from j.i_currency,
        j.p_amount, j.i_amount, j.p_amount,
        jsonb_build_object('currency', j.p_currency), jsonb_build_object('currency', j.i_currency)),
      ('status_mismatch', j.p_id is not null and j.i_id is not null and j.p_status is distinct from j.i_status,
        j.p_amount, j.i_amount, j.p_amount,
        jsonb_build_object('status', j.p_status), jsonb_build_object('status', j.i_status)),
      ('refund_mismatch', j.object_type = 'payment_intent' and j.p_id is not null and j.i_id is not null
          and j.p_refunded <> j.i_refunded,
        j.p_refunded, j.i_refunded, abs(j.p_refunded - j.i_refunded),
        jsonb_build_object('amount_refunded', j.p_refunded), jsonb_build_object('amount_refunded', j.i_refunded)),
      ('dispute_mismatch', j.object_type = 'payment_intent' and j.p_id is not null and j.i_id is not null
          and j.p_disputed <> j.i_disputed,
        j.p_amount, j.i_amount, j.p_amount,
        jsonb_build_object('disputed', j.p_disputed), jsonb_build_object('disputed', j.i_disputed))
    ) as f(kind, hit, expected_amount, actual_amount, at_risk, expected, actual)
    where f.hit
    on conflict do nothing`;
}

async function findDuplicateCharges(tx: Tx, { runId, from, to }: MatchInput) {
  await tx`
    insert into recon_findings (kind, object_type, object_id, object_created_at, expected_amount,
      actual_amount, currency, amount_at_risk, expected, actual, details)
    select distinct on (coalesce(later.payment_intent_id, later.object_id))
      'duplicate_charge', 'payment_intent', coalesce(later.payment_intent_id, later.object_id), later.created,
      null::bigint, later.amount, later.currency, later.amount,
      '{}'::jsonb, jsonb_build_object('amount', later.amount, 'currency', later.currency),
      jsonb_build_object(
        'charge_id', later.object_id, 'customer', later.customer,
        'duplicate_of_payment_intent', earlier.payment_intent_id, 'duplicate_of_charge', earlier.object_id,
        'seconds_apart', extract(epoch from later.created - earlier.created)::int)
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
    order by coalesce(later.payment_intent_id, later.object_id), earlier.created desc
    on conflict do nothing`;
}

/** expected = round(amount × percent / 100) + fixed, from the first rule for the settlement currency. */
export async function findFeeMismatches(tx: Tx, { runId, from, to, feeSchedule }: MatchInput) {
  const rules = JSON.stringify(feeSchedule!.rules);
  await tx`
    insert into recon_findings (kind, object_type, object_id, object_created_at, expected_amount,
      actual_amount, currency, amount_at_risk, expected, actual, details)
    select 'fee_mismatch', 'payment_intent', coalesce(ch.payment_intent_id, ch.object_id), ch.created,
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

/** A converted settlement amount must equal the source amount at the transaction's own exchange rate. */
async function findFxMismatches(tx: Tx, { runId, from, to }: MatchInput) {
  await tx`
    insert into recon_findings (kind, object_type, object_id, object_created_at, expected_amount,
      actual_amount, currency, amount_at_risk, expected, actual, details)
    select 'fx_mismatch', 'payment_intent', coalesce(src.payment_intent_id, src.object_id), t.created,
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
        and po.status in ('paid', 'in_transit')
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

/** Only-ours objects may simply predate the period: the provider is asked about each before it counts. */
async function confirmMissingAtProvider(
  tx: Tx,
  existsAtProvider: NonNullable<MatchInput["existsAtProvider"]>,
) {
  const candidates = await tx<{ object_type: string; object_id: string }[]>`
    select object_type, object_id from recon_findings where kind = 'missing_at_provider' limit 1000`;
  const known: string[] = [];
  for (const candidate of candidates) {
    if (await existsAtProvider({ objectType: candidate.object_type, objectId: candidate.object_id }))
      known.push(candidate.object_id);
  }
  if (known.length > 0)
    await tx`delete from recon_findings where kind = 'missing_at_provider' and object_id = any(${known})`;
}

async function foldIntoDiscrepancies(tx: Tx, input: MatchInput, kindsChecked: DiscrepancyKind[]) {
  const { runId, provider, from, to } = input;
  await tx`
    with upserted as (
      insert into discrepancies (kind, provider, object_id, object_type, object_created_at,
        expected_amount, actual_amount, currency, amount_at_risk, expected, actual, details,
        status, first_run_id, last_run_id)
      select kind, ${provider}, object_id, object_type, object_created_at, expected_amount,
        actual_amount, currency, amount_at_risk, expected, actual, details, 'open', ${runId}, ${runId}
      from recon_findings
      on conflict (kind, provider, object_id) do update set
        last_seen_at = now(),
        last_run_id = excluded.last_run_id,
        expected_amount = excluded.expected_amount,
        actual_amount = excluded.actual_amount,
        currency = excluded.currency,
        amount_at_risk = excluded.amount_at_risk,
        expected = excluded.expected,
        actual = excluded.actual,
        details = excluded.details,
        -- Back after an auto-resolve: open again. Finance's own decisions stand.
        status = case when discrepancies.status = 'auto_resolved' then 'open' else discrepancies.status end,
        resolved_at = case when discrepancies.status = 'auto_resolved' then null else discrepancies.resolved_at end,
        updated_at = now()
      returning id
    )
    insert into discrepancy_sightings (discrepancy_id, run_id)
    select id, ${runId} from upserted
    on conflict do nothing`;
  await tx`
    update discrepancies set status = 'auto_resolved', resolved_at = now(), resolved_by = ${`run:${runId}`},
      updated_at = now()
    where provider = ${provider} and status = 'open' and kind = any(${kindsChecked})
      and object_created_at >= ${from} and object_created_at < ${to}
      and last_run_id is distinct from ${runId}`;
}
