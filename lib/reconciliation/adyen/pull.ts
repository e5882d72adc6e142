import "server-only";
import { rawSql } from "@/db";
import { AppError } from "@/lib/errors";
import type { PullInput } from "../stage";
import { adyenCoverageGap, uncoveredMessage } from "./coverage";

/**
 * Stages Adyen's books for [from, to) from the imported settlement details
 * reports, in set-based inserts (no API to page through):
 * - every line as a `balance_transaction` (gross in the net currency, fee =
 *   commission + markup + scheme fees + interchange, net) linked to its
 *   batch's payout;
 * - `Settled` lines per Psp Reference as the payment (`payment_intent`) and
 *   its `charge` (for the fee check), `Refunded`/`RefundedReversed` per
 *   Modification Reference as refunds, `Chargeback` lines as disputes;
 * - `MerchantPayout` lines as payouts `{merchant account}:batch:{number}`.
 * Lines of the period's reports are staged, plus every line of a batch whose
 * payout lies in the period, so batch sums are whole. A line imported twice
 * (overlapping reports) counts once.
 */
export async function pullAdyenReport({ runId, from, to, progress }: PullInput) {
  const gap = await adyenCoverageGap({ from, to });
  if (gap) throw new AppError("bad_request", uncoveredMessage({ from, to, gap }));
  const sql = rawSql();
  const fromIso = from.toISOString();
  const toIso = to.toISOString();
  const staged = await sql.begin(async (tx) => {
    await tx`
      create temp table adyen_lines on commit drop as
      with period_reports as (
        select id from adyen_settlement_reports where covers_from < ${toIso} and covers_to > ${fromIso}
      ),
      period_batches as (
        select distinct r.merchant_account, r.batch_number from adyen_settlement_rows r
        where r.report_id in (select id from period_reports) and r.type = 'MerchantPayout'
          and r.batch_number is not null and r.created_at >= ${fromIso} and r.created_at < ${toIso}
      ),
      -- The same line in two overlapping reports counts once; identical lines within one
      -- report (two equal fees) stay apart by their ordinal.
      numbered as (
        select r.*, row_number() over (
          partition by r.report_id, r.merchant_account, r.batch_number, r.type, r.psp_reference,
            r.modification_reference, r.created_at, r.net_debit, r.net_credit
          order by r.line_no) as nth
        from adyen_settlement_rows r
        where r.report_id in (select id from period_reports)
           or (r.merchant_account, r.batch_number) in (select * from period_batches)
      )
      select distinct on (r.merchant_account, r.batch_number, r.type, r.psp_reference,
          r.modification_reference, r.created_at, r.net_debit, r.net_credit, r.nth)
        r.*, 'sdr:' || r.report_id || ':' || r.line_no as line_id,
        case when r.batch_number is null then null
             else r.merchant_account || ':batch:' || r.batch_number end as payout_id,
        coalesce(r.net_credit, 0) - coalesce(r.net_debit, 0) as net,
        coalesce(r.commission, 0) + coalesce(r.markup, 0) + coalesce(r.scheme_fees, 0)
          + coalesce(r.interchange, 0) as fee,
        coalesce(r.gross_credit, 0) - coalesce(r.gross_debit, 0) as gross
      from numbered r
      order by r.merchant_account, r.batch_number, r.type, r.psp_reference, r.modification_reference,
        r.created_at, r.net_debit, r.net_credit, r.nth, r.report_id desc`;
    const inserted = await tx<{ count: string }[]>`
      with staged as (
        insert into reconciliation_staged (run_id, object_type, object_id, payment_intent_id, charge_id,
          status, amount, currency, fee, net, exchange_rate, txn_type, source, payout_id,
          balance_transaction_id, automatic, created)
        select ${runId}::bigint, 'balance_transaction', line_id, psp_reference, psp_reference, type,
          net + fee, lower(net_currency), fee, net, exchange_rate, lower(type),
          coalesce(modification_reference, psp_reference, payout_id), payout_id, null::text, null::boolean, created_at
        from adyen_lines
        union all
        select ${runId}::bigint, 'payment_intent', psp_reference, psp_reference, psp_reference, 'settled',
          sum(gross), lower(min(gross_currency)), null, null, null, null, null, null,
          null, null, min(created_at)
        from adyen_lines where type = 'Settled' and psp_reference is not null
        group by psp_reference
        union all
        select ${runId}::bigint, 'charge', psp_reference, psp_reference, psp_reference, 'succeeded',
          sum(gross), lower(min(gross_currency)), null, null, null, null, null, null,
          min(line_id), null, min(created_at)
        from adyen_lines where type = 'Settled' and psp_reference is not null
        group by psp_reference
        union all
        select ${runId}::bigint, 'refund', coalesce(modification_reference, line_id), min(psp_reference), null,
          'refunded', -sum(gross), lower(min(gross_currency)), null, null, null, null, null, null,
          null, null, min(created_at)
        from adyen_lines where type in ('Refunded', 'RefundedReversed')
        group by coalesce(modification_reference, line_id)
        union all
        select ${runId}::bigint, 'dispute', coalesce(modification_reference, line_id), min(psp_reference), null,
          'chargeback', -sum(gross), lower(min(gross_currency)), null, null, null, null, null, null,
          null, null, min(created_at)
        from adyen_lines where type = 'Chargeback'
        group by coalesce(modification_reference, line_id)
        union all
        select ${runId}::bigint, 'payout', payout_id, null, null, 'paid', -net, lower(net_currency), null, null,
          null, 'payout', payout_id, payout_id, line_id, true, created_at
        from adyen_lines where type = 'MerchantPayout' and payout_id is not null
        on conflict (run_id, object_type, object_id) do nothing
        returning 1
      )
      select count(*) as count from staged`;
    return Number(inserted[0]?.count ?? 0);
  });
  await progress({ pages: 1, staged });
}
