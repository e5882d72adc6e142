"use client";

import type { ColumnDef } from "@tanstack/react-table";
import Link from "next/link";
import { DataTable } from "@/components/data-table/data-table";
import { formatMoney } from "@/lib/money";
import { RECOVERED_RESOLUTION } from "@/lib/reconciliation-vocabulary";
import { RecoveredTag } from "@/components/ui/recovered-tag";
import { ReconciliationStatus } from "./discrepancy-status";
import { age, kindLabel } from "./labels";

export type DiscrepancyRow = {
  id: number;
  kind: string;
  provider: string;
  object_id: string;
  expected_amount: number | null;
  actual_amount: number | null;
  expected: Record<string, unknown>;
  actual: Record<string, unknown>;
  currency: string | null;
  amount_at_risk: number;
  status: string;
  resolution: string | null;
  assignee: string | null;
  first_seen_at: string;
};

const money = (amount: number | null, currency: string | null) =>
  amount == null || !currency ? "—" : formatMoney(amount, currency);

/** Non-amount differences (status, currency, disputed) show as words. */
function side(values: Record<string, unknown>, amount: number | null, currency: string | null) {
  const words = Object.entries(values)
    .filter(([key]) => key !== "amount" && key !== "rule")
    .map(([key, value]) => `${key}: ${String(value)}`);
  return words.length > 0 && amount == null ? words.join(", ") : money(amount, currency);
}

const columns: ColumnDef<DiscrepancyRow, unknown>[] = [
  {
    id: "kind",
    header: "Kind",
    enableSorting: false,
    cell: ({ row }) => kindLabel(row.original.kind),
  },
  {
    id: "object",
    header: "Object",
    enableSorting: false,
    cell: ({ row }) => (
      <Link
        href={`/discrepancies/${row.original.id}`}
        className="font-mono text-xs text-indigo-700 underline dark:text-indigo-300"
      >
        {row.original.object_id}
      </Link>
    ),
  },
  {
    id: "expected",
    header: "Expected (provider)",
    enableSorting: false,
    cell: ({ row }) => side(row.original.expected, row.original.expected_amount, row.original.currency),
  },
  {
    id: "actual",
    header: "Actual (ours)",
    enableSorting: false,
    cell: ({ row }) => side(row.original.actual, row.original.actual_amount, row.original.currency),
  },
  {
    id: "at_risk",
    header: "At risk",
    enableSorting: false,
    cell: ({ row }) => money(row.original.amount_at_risk, row.original.currency),
  },
  { id: "age", header: "Age", enableSorting: false, cell: ({ row }) => age(row.original.first_seen_at) },
  {
    id: "status",
    header: "Status",
    enableSorting: false,
    cell: ({ row }) => (
      <span className="flex flex-wrap items-center gap-1">
        <ReconciliationStatus status={row.original.status} />
        {row.original.resolution === RECOVERED_RESOLUTION && (
          <RecoveredTag title="Its webhooks never arrived: reconciliation recovered the events from the provider" />
        )}
      </span>
    ),
  },
  {
    id: "assignee",
    header: "Assignee",
    enableSorting: false,
    cell: ({ row }) => row.original.assignee ?? "—",
  },
];

export function DiscrepanciesTable({ rows }: { rows: DiscrepancyRow[] }) {
  return (
    <DataTable
      columns={columns}
      rows={rows}
      caption="Discrepancies"
      rowKey={(row) => String(row.id)}
      emptyMessage="No discrepancies match these filters."
    />
  );
}
