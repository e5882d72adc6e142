import "server-only";
import type { DiscrepancyKind } from "@/db/schema";
import { internalRecords } from "@/lib/records/books";
import { findFeeMismatches, findPayoutDifferences } from "../ledger";
import { findListedChildDifferences } from "../listed-children";
import type { MatchInput, Tx } from "../match";

/** Payments that should settle: refused and cancelled ones never appear in a report. */
const SETTLING_STATUSES = ["authorised", "captured"];

/**
 * The report's lines (staged by `pullAdyenReport`) against our Adyen records,
 * keyed by Psp Reference, in set-based statements. Status is not compared:
 * Adyen sends no CAPTURE webhook for automatically captured payments, so an
 * `authorised` record that the report shows settled is normal. Refunds and
 * disputes are compared only for payments we hold: a missing payment is one
 * `missing_internal`, not one finding per thing it lacks.
 */
export async function findAdyenDifferences(tx: Tx, checked: ReadonlySet<DiscrepancyKind>, input: MatchInput) {
  const { runId, from, to } = input;
  const internal = () =>
    tx`select * from (${internalRecords({ sql: tx, provider: "adyen" })}) r where r.kind = 'payment'`;

  if (checked.has("missing_internal") || checked.has("amount_mismatch") || checked.has("currency_mismatch"))
    await tx`
      insert into recon_findings (kind, object_type, object_id, object_created_at, expected_amount,
        actual_amount, currency, amount_at_risk, expected, actual, details)
      with j as (
        select p.object_id, p.amount as p_amount, p.currency as p_currency, p.created,
          i.object_id as i_id, i.status as i_status, i.amount as i_amount, i.currency as i_currency
        from reconciliation_staged p
        left join (${internal()}) i on i.object_id = p.object_id
        where p.run_id = ${runId} and p.object_type = 'payment_intent'
          and p.created >= ${from} and p.created < ${to}
      )
      select f.kind, 'payment_intent', j.object_id, j.created, f.expected_amount, f.actual_amount,
        j.p_currency, f.at_risk, f.expected, f.actual, '{"source": "adyen_settlement_report"}'::jsonb
      from j
      cross join lateral (values
        ('missing_internal', j.i_id is null, j.p_amount, null::bigint, j.p_amount,
          jsonb_build_object('status', 'settled', 'amount', j.p_amount, 'currency', j.p_currency), '{}'::jsonb),
        ('amount_mismatch', j.i_id is not null and j.i_amount is distinct from j.p_amount,
          j.p_amount, j.i_amount, abs(j.p_amount - coalesce(j.i_amount, 0)),
          jsonb_build_object('amount', j.p_amount), jsonb_build_object('amount', j.i_amount, 'status', j.i_status)),
        ('currency_mismatch', j.i_id is not null and j.i_currency is distinct from j.p_currency,
          j.p_amount, j.i_amount, j.p_amount,
          jsonb_build_object('currency', j.p_currency), jsonb_build_object('currency', j.i_currency))
      ) as f(kind, hit, expected_amount, actual_amount, at_risk, expected, actual)
      where f.hit and f.kind = any(${[...checked]})
      on conflict do nothing`;

  // Only a payment that no imported report mentions at all is missing there: one authorised at
  // the end of the period settles in the next report.
  if (checked.has("missing_at_provider"))
    await tx`
      insert into recon_findings (kind, object_type, object_id, object_created_at, expected_amount,
        actual_amount, currency, amount_at_risk, expected, actual, details)
      select 'missing_at_provider', 'payment_intent', i.object_id, i.created, null, i.amount, i.currency,
        coalesce(i.amount, 0), '{}'::jsonb,
        jsonb_build_object('status', i.status, 'amount', i.amount, 'currency', i.currency),
        '{"source": "adyen_settlement_report"}'::jsonb
      from (${internal()}) i
      where i.created >= ${from} and i.created < ${to} and i.status = any(${SETTLING_STATUSES})
        and not exists (select 1 from adyen_settlement_rows r where r.psp_reference = i.object_id)
      on conflict do nothing`;

  // Per refund the report lists, not per payment total: a report shows only the refunds
  // booked in its period, and earlier ones live in earlier reports.
  await findListedChildDifferences(tx, checked, input, {
    heldPayments: tx`select object_id as key, disputed from (${internal()}) i`,
    listedRefundStatus: null,
    ourRefundStatus: "refunded",
  });

  if (checked.has("fee_mismatch")) await findFeeMismatches(tx, input);
  if (checked.has("payout_mismatch")) await findPayoutDifferences(tx, input);
}
