import { formatCount } from "@/components/ui/format";
import { formatMoney } from "@/lib/money";
import type { SettlementReport } from "@/lib/reconciliation/settlement";
import { kindLabel } from "./labels";

/** Payouts of the month and totals by currency; plain markup so it prints as it shows. */
export function SettlementTable({ report }: { report: SettlementReport }) {
  return (
    <div className="flex flex-col gap-4">
      <table className="min-w-full text-sm">
        <caption className="mb-2 text-left font-semibold">Totals by currency · {report.month}</caption>
        <thead>
          <tr className="text-left text-xs uppercase tracking-wide text-zinc-500">
            <th scope="col" className="py-1 pr-4">
              Currency
            </th>
            <th scope="col" className="py-1 pr-4">
              Payouts
            </th>
            <th scope="col" className="py-1 pr-4">
              Paid out
            </th>
            <th scope="col" className="py-1 pr-4">
              Gross
            </th>
            <th scope="col" className="py-1 pr-4">
              Fees
            </th>
            <th scope="col" className="py-1 pr-4">
              Matched
            </th>
            <th scope="col" className="py-1">
              Unmatched
            </th>
          </tr>
        </thead>
        <tbody>
          {report.totals.length === 0 && (
            <tr>
              <td colSpan={7} className="py-2 text-zinc-600">
                No payouts staged for this month yet: a settlement or full run over the month fills this
                report.
              </td>
            </tr>
          )}
          {report.totals.map((total) => (
            <tr key={total.currency} className="border-t border-zinc-200 dark:border-zinc-800">
              <th scope="row" className="py-1 pr-4 text-left">
                {total.currency.toUpperCase()}
              </th>
              <td className="py-1 pr-4">{formatCount(total.payouts)}</td>
              <td className="py-1 pr-4">{formatMoney(total.amount, total.currency)}</td>
              <td className="py-1 pr-4">{formatMoney(total.gross, total.currency)}</td>
              <td className="py-1 pr-4">{formatMoney(total.fees, total.currency)}</td>
              <td className="py-1 pr-4">{formatCount(total.matched)}</td>
              <td className="py-1">{formatCount(total.unmatched)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table className="min-w-full text-sm">
        <caption className="mb-2 text-left font-semibold">Payouts</caption>
        <thead>
          <tr className="text-left text-xs uppercase tracking-wide text-zinc-500">
            <th scope="col" className="py-1 pr-4">
              Payout
            </th>
            <th scope="col" className="py-1 pr-4">
              Status
            </th>
            <th scope="col" className="py-1 pr-4">
              Arrival
            </th>
            <th scope="col" className="py-1 pr-4">
              Amount
            </th>
            <th scope="col" className="py-1 pr-4">
              Transactions
            </th>
            <th scope="col" className="py-1 pr-4">
              Fees
            </th>
            <th scope="col" className="py-1 pr-4">
              Net of transactions
            </th>
            <th scope="col" className="py-1">
              Reconciled
            </th>
          </tr>
        </thead>
        <tbody>
          {report.payouts.map((payout) => (
            <tr
              key={`${payout.provider}:${payout.payout_id}`}
              className="border-t border-zinc-200 dark:border-zinc-800"
            >
              <th scope="row" className="py-1 pr-4 text-left font-mono text-xs">
                {payout.payout_id}
              </th>
              <td className="py-1 pr-4">{payout.status}</td>
              <td className="py-1 pr-4">{payout.arrival_date ?? "—"}</td>
              <td className="py-1 pr-4">{formatMoney(payout.amount, payout.currency)}</td>
              <td className="py-1 pr-4">{formatCount(payout.transactions)}</td>
              <td className="py-1 pr-4">{formatMoney(payout.fees, payout.currency)}</td>
              <td className="py-1 pr-4">{formatMoney(payout.net, payout.currency)}</td>
              <td className="py-1">
                {payout.matched ? "matched" : `open: ${payout.open_issues.map(kindLabel).join(", ")}`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
