import "server-only";
import type { PendingQuery, Row } from "postgres";
import type { DiscrepancyKind } from "@/db/schema";
import { bookRecords } from "@/lib/records/books";
import type { MatchInput, Tx } from "./match";

/**
 * Refunds and disputes for providers that list them one by one over a
 * period (MangoPay's API, Adyen's settlement report) rather than stating a
 * payment's refunded total: a listing shows only what was booked in its
 * period, so totals cannot be compared whole. Each listed refund must be on
 * our books, in `ourRefundStatus`, with its amount; each listed dispute must
 * have marked its payment disputed. Findings name the payment, and only
 * payments we hold (`heldPayments`: `key`, `disputed`) get them: a missing
 * payment is one `missing_internal`, not one finding per thing it lacks.
 */
export async function findListedChildDifferences(
  tx: Tx,
  checked: ReadonlySet<DiscrepancyKind>,
  { runId, provider, from, to }: MatchInput,
  {
    heldPayments,
    listedRefundStatus,
    ourRefundStatus,
  }: {
    heldPayments: PendingQuery<Row[]>;
    /** Only listed refunds in this status count (MangoPay lists failed ones too); null: all. */
    listedRefundStatus: string | null;
    ourRefundStatus: string;
  },
) {
  if (checked.has("refund_mismatch"))
    await tx`
      insert into recon_findings (kind, object_type, object_id, object_created_at, expected_amount,
        actual_amount, currency, amount_at_risk, expected, actual, details)
      with listed as (
        select s.object_id, s.payment_intent_id, s.amount, s.currency, s.created,
          r.object_id as ours, case when r.status = ${ourRefundStatus} then r.amount else 0 end as our_amount
        from reconciliation_staged s
        join (${heldPayments}) held on held.key = s.payment_intent_id
        left join (${bookRecords({ sql: tx, provider })}) r on r.kind = 'refund' and r.object_id = s.object_id
        where s.run_id = ${runId} and s.object_type = 'refund'
          and (${listedRefundStatus}::text is null or s.status = ${listedRefundStatus})
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
      join (${heldPayments}) held on held.key = s.payment_intent_id
      where s.run_id = ${runId} and s.object_type = 'dispute'
        and s.created >= ${from} and s.created < ${to}
      group by s.payment_intent_id
      having not coalesce(bool_or(held.disputed), false)
      on conflict do nothing`;
}
