import "server-only";
import { toCsv } from "@/lib/csv";
import { exportDiscrepancies, type DiscrepancyFilters } from "./discrepancies";
import { settlementReport } from "./settlement";

/** Open and closed exceptions as CSV, the columns finance reconciles with. */
export async function discrepanciesCsv(filters: DiscrepancyFilters): Promise<string> {
  const rows = await exportDiscrepancies(filters);
  const header = [
    "id",
    "kind",
    "provider",
    "object_id",
    "charge_id",
    "expected_amount",
    "actual_amount",
    "currency",
    "amount_at_risk",
    "status",
    "assignee",
    "resolution",
    "resolution_note",
    "first_seen_at",
    "last_seen_at",
  ];
  const lines = rows.map((row) => [
    row.id,
    row.kind,
    row.provider,
    row.object_id,
    row.details.charge_id ?? "",
    row.expected_amount,
    row.actual_amount,
    row.currency,
    row.amount_at_risk,
    row.status,
    row.assignee,
    row.resolution,
    row.resolution_note,
    row.first_seen_at,
    row.last_seen_at,
  ]);
  return toCsv([header, ...lines]);
}

export async function settlementCsv({ month }: { month: string }): Promise<string> {
  const report = await settlementReport({ month });
  const header = [
    "provider",
    "payout_id",
    "status",
    "created",
    "arrival_date",
    "currency",
    "amount",
    "transactions",
    "gross",
    "fees",
    "net",
    "matched",
    "open_issues",
  ];
  const lines = report.payouts.map((payout) => [
    payout.provider,
    payout.payout_id,
    payout.status,
    payout.created,
    payout.arrival_date,
    payout.currency,
    payout.amount,
    payout.transactions,
    payout.gross,
    payout.fees,
    payout.net,
    payout.matched ? "yes" : "no",
    payout.open_issues.join(" "),
  ]);
  const totals = report.totals.map((total) => [
    "TOTAL",
    "",
    "",
    "",
    "",
    total.currency,
    total.amount,
    total.payouts,
    total.gross,
    total.fees,
    "",
    `${total.matched} matched`,
    `${total.unmatched} unmatched`,
  ]);
  return toCsv([header, ...lines, ...totals]);
}
