import "server-only";
import type { DiscrepancyKind } from "@/db/schema";
import { bookRecords } from "@/lib/records/books";
import { findDepositDifferences } from "../ledger";
import type { MatchInput, Tx } from "../match";
import { findObjectDifferences } from "../objects";

/**
 * MangoPay's resources (staged through `listRecords`) against our records:
 * pay-ins, refunds, disputes and payouts object by object, then refunds and
 * disputes per pay-in. A run lists only the resources whose events fall in
 * its period, so a pay-in's refunded total cannot be compared whole: each
 * refund MangoPay lists must be on our books as SUCCEEDED with the same
 * amount, and each dispute must have marked its pay-in disputed. Those
 * findings name the pay-in, and are made only for pay-ins we hold (a missing
 * pay-in is one `missing_internal`, not one finding per thing it lacks).
 */
export async function findMangopayDifferences(
  tx: Tx,
  checked: ReadonlySet<DiscrepancyKind>,
  input: MatchInput,
) {
  const { runId, from, to } = input;
  await findObjectDifferences(tx, checked, input, {
    paymentTotals: false,
    childrenListed: false,
    childStatuses: false,
  });
  if (checked.has("deposit_missing") || checked.has("deposit_mismatch"))
    await findDepositDifferences(tx, input);

  if (checked.has("refund_mismatch"))
    await tx`
      insert into recon_findings (kind, object_type, object_id, object_created_at, expected_amount,
        actual_amount, currency, amount_at_risk, expected, actual, details)
      with listed as (
        select s.object_id, s.payment_intent_id, s.amount, s.currency, s.created,
          r.object_id as ours, case when r.status = 'SUCCEEDED' then r.amount else 0 end as our_amount
        from reconciliation_staged s
        join recon_our_groups o on o.key = s.payment_intent_id and (o.has_intent or o.charges > 0)
        left join (${bookRecords({ sql: tx, provider: "mangopay" })}) r on r.kind = 'refund' and r.object_id = s.object_id
        where s.run_id = ${runId} and s.object_type = 'refund' and s.status = 'SUCCEEDED'
          and s.created >= ${from} and s.created < ${to}
      )
      select 'refund_mismatch', 'payment_intent', payment_intent_id, min(created), sum(amount)::bigint,
        sum(our_amount)::bigint, min(currency), abs(sum(amount) - sum(our_amount))::bigint,
        jsonb_build_object('amount_refunded', sum(amount)),
        jsonb_build_object('amount_refunded', sum(our_amount)),
        jsonb_build_object('refunds', jsonb_agg(object_id order by object_id),
          'missing_refunds', coalesce(jsonb_agg(object_id) filter (where ours is null), '[]'::jsonb))
      from listed
      group by payment_intent_id
      having sum(amount) <> sum(our_amount)
      on conflict do nothing`;

  if (checked.has("dispute_mismatch"))
    await tx`
      insert into recon_findings (kind, object_type, object_id, object_created_at, expected_amount,
        actual_amount, currency, amount_at_risk, expected, actual, details)
      select 'dispute_mismatch', 'payment_intent', s.payment_intent_id, min(s.created), sum(s.amount)::bigint,
        null, min(s.currency), sum(s.amount)::bigint,
        jsonb_build_object('disputed', true), jsonb_build_object('disputed', false),
        jsonb_build_object('disputes', jsonb_agg(s.object_id order by s.object_id))
      from reconciliation_staged s
      join recon_our_groups o on o.key = s.payment_intent_id and (o.has_intent or o.charges > 0)
      where s.run_id = ${runId} and s.object_type = 'dispute'
        and s.created >= ${from} and s.created < ${to}
      group by s.payment_intent_id
      having not bool_or(o.disputed)
      on conflict do nothing`;
}
