import "server-only";
import type { DiscrepancyKind } from "@/db/schema";
import type { MatchInput, Tx } from "./match";
import { DEPOSITED_PAYOUT_STATUSES } from "./checks";

/** What one run did to the discrepancies it saw or checked. */
export type FoldOutcome = {
  /** Findings no earlier run had raised. */
  new: number;
  /** Open ones seen again. */
  still_open: number;
  /** Auto-resolved ones that came back and are open again. */
  reopened: number;
  /** Ones finance resolved or ignored that are still there: they stay as finance left them. */
  kept_closed: number;
  /** Open ones this run checked and no longer sees. */
  auto_resolved: number;
};

/**
 * Folds the run's findings into `discrepancies`, keyed by (kind, provider,
 * object id): new ones open; seen again → `last_seen_at` refreshed (an
 * auto-resolved one reopens, a resolved or ignored one stays so); and every
 * open one of a checked kind whose object this run did check but no longer
 * finds is auto-resolved. "Did check" is decided per kind from what the run
 * staged, never from its period alone: a refund in the period re-checks its
 * older payment's refunded total, and an object the run did not look at is
 * left for a run that does.
 */
export async function foldIntoDiscrepancies(
  tx: Tx,
  input: MatchInput,
  kindsChecked: DiscrepancyKind[],
): Promise<FoldOutcome> {
  const { runId, provider, from, to } = input;
  const [upserted] = await tx<{ new: string; still_open: string; reopened: string; kept_closed: string }[]>`
    with before as (
      select d.id, d.status from discrepancies d
      join recon_findings f on f.kind = d.kind and f.object_id = d.object_id
      where d.provider = ${provider}
    ),
    upserted as (
      insert into discrepancies (kind, provider, object_id, object_type, object_created_at,
        expected_amount, actual_amount, currency, amount_at_risk, expected, actual, details,
        status, first_run_id, last_run_id)
      select kind, ${provider}, object_id, object_type, object_created_at, expected_amount,
        actual_amount, currency, amount_at_risk, expected, actual, details, 'open', ${runId}, ${runId}
      from recon_findings
      on conflict (kind, provider, object_id) do update set
        last_seen_at = now(),
        last_run_id = excluded.last_run_id,
        object_type = excluded.object_type,
        expected_amount = excluded.expected_amount,
        actual_amount = excluded.actual_amount,
        currency = excluded.currency,
        amount_at_risk = excluded.amount_at_risk,
        expected = excluded.expected,
        actual = excluded.actual,
        -- What recovery found out stays on the record of the finding.
        details = excluded.details || jsonb_strip_nulls(jsonb_build_object(
          'recovered', discrepancies.details->'recovered',
          'recovered_events', discrepancies.details->'recovered_events')),
        -- Back after an auto-resolve: open again. Finance's own decisions stand.
        status = case when discrepancies.status = 'auto_resolved' then 'open' else discrepancies.status end,
        resolved_at = case when discrepancies.status = 'auto_resolved' then null else discrepancies.resolved_at end,
        resolved_by = case when discrepancies.status = 'auto_resolved' then null else discrepancies.resolved_by end,
        updated_at = now()
      returning id, status
    ),
    sighted as (
      insert into discrepancy_sightings (discrepancy_id, run_id)
      select id, ${runId} from upserted
      on conflict do nothing
    )
    select
      count(*) filter (where b.id is null) as new,
      count(*) filter (where b.status = 'open') as still_open,
      count(*) filter (where b.status = 'auto_resolved') as reopened,
      count(*) filter (where b.status in ('resolved', 'ignored')) as kept_closed
    from upserted u left join before b on b.id = u.id`;

  const resolved = await tx`
    with staged_in_period as materialized (
      select object_type, object_id, payment_intent_id, charge_id, source, status, exchange_rate, arrival_date
      from reconciliation_staged
      where run_id = ${runId} and created >= ${from} and created < ${to}
    )
    update discrepancies d set status = 'auto_resolved', resolved_at = now(), resolved_by = ${`run:${runId}`},
      updated_at = now()
    where d.provider = ${provider} and d.status = 'open' and d.kind = any(${kindsChecked})
      and d.last_run_id is distinct from ${runId}
      and (
        (d.kind in ('missing_internal', 'amount_mismatch', 'currency_mismatch', 'status_mismatch')
          and d.object_type in ('payment_intent', 'charge')
          and d.object_id in (select key from recon_payment_groups where in_period))
        or (d.kind in ('missing_internal', 'amount_mismatch', 'currency_mismatch', 'status_mismatch')
          and (d.object_type, d.object_id) in (select object_type, object_id from staged_in_period))
        or (d.kind in ('refund_mismatch', 'dispute_mismatch')
          and d.object_id in (select key from recon_payment_groups where in_period or child_in_period))
        or (d.kind = 'missing_at_provider'
          and ((d.object_created_at >= ${from} and d.object_created_at < ${to})
            or d.object_id in (select key from recon_payment_groups where in_period)
            or d.object_id in (select object_id from staged_in_period)))
        or (d.kind in ('fee_mismatch', 'duplicate_charge')
          and d.object_id in (select coalesce(payment_intent_id, object_id) from staged_in_period
            where object_type = 'charge'))
        or (d.kind = 'fx_mismatch'
          and d.object_id in (select coalesce(src.payment_intent_id, src.charge_id, src.object_id)
            from staged_in_period t
            join reconciliation_staged src on src.run_id = ${runId} and src.object_id = t.source
              and src.object_type in ('charge', 'refund')
            where t.object_type = 'balance_transaction' and t.exchange_rate is not null))
        or (d.kind = 'payout_mismatch'
          and d.object_id in (select object_id from staged_in_period where object_type = 'payout'))
        or (d.kind in ('deposit_missing', 'deposit_mismatch')
          and d.object_id in (select object_id from staged_in_period
            where object_type = 'payout' and status = any(${DEPOSITED_PAYOUT_STATUSES})
              and exists (select 1 from bank_statements b
                where (arrival_date at time zone 'UTC')::date between b.covers_from and b.covers_to)))
      )`;

  return {
    new: Number(upserted?.new ?? 0),
    still_open: Number(upserted?.still_open ?? 0),
    reopened: Number(upserted?.reopened ?? 0),
    kept_closed: Number(upserted?.kept_closed ?? 0),
    auto_resolved: resolved.count,
  };
}
