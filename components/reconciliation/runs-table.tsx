"use client";

import type { ColumnDef } from "@tanstack/react-table";
import Link from "next/link";
import { DataTable } from "@/components/data-table/data-table";
import { formatTime } from "@/components/ui/format";
import { ReconciliationStatus } from "./discrepancy-status";
import { RunProgress } from "./run-progress";
import { kindLabel } from "./labels";

export type RunRow = {
  id: number;
  provider: string;
  kind: string;
  from: string;
  to: string;
  status: string;
  progress: {
    stage: string;
    step: string | null;
    done: number;
    total: number | null;
    elapsed_ms: number;
    warnings: string[];
    pages_fetched: number;
    records_staged: number;
    matched: number;
    events_recovered: number;
  };
  counts: Record<string, number | undefined>;
  outcome: Partial<Record<"new" | "still_open" | "reopened" | "kept_closed" | "auto_resolved", number>>;
  discrepancies: number;
  requested_by: string;
  schedule: string | null;
  error: string | null;
  created_at: string;
  finished_at: string | null;
};

const columns: ColumnDef<RunRow, unknown>[] = [
  { id: "id", header: "Run", enableSorting: false, cell: ({ row }) => `#${row.original.id}` },
  {
    id: "status",
    header: "Status",
    enableSorting: false,
    cell: ({ row }) => (
      <span className="flex flex-col gap-0.5">
        <ReconciliationStatus status={row.original.status} />
        {row.original.error && (
          <span className="text-xs text-red-700 dark:text-red-300">{row.original.error}</span>
        )}
      </span>
    ),
  },
  {
    id: "what",
    header: "Provider · checks",
    enableSorting: false,
    cell: ({ row }) =>
      `${row.original.provider} · ${row.original.kind}${row.original.schedule ? ` (${row.original.schedule})` : ""}`,
  },
  {
    id: "period",
    header: "Period (UTC)",
    enableSorting: false,
    cell: ({ row }) => `${formatTime(row.original.from)} → ${formatTime(row.original.to)}`,
  },
  {
    id: "progress",
    header: "Progress",
    enableSorting: false,
    cell: ({ row }) => <RunProgress run={row.original} />,
  },
  {
    id: "found",
    header: "Found",
    enableSorting: false,
    cell: ({ row }) =>
      row.original.discrepancies === 0 ? (
        "none"
      ) : (
        <Link
          href={`/discrepancies?run=${row.original.id}`}
          className="text-indigo-700 underline dark:text-indigo-300"
        >
          {Object.entries(row.original.counts)
            .map(([kind, count]) => `${count} ${kindLabel(kind)}`)
            .join(", ")}
        </Link>
      ),
  },
  { id: "by", header: "Requested by", enableSorting: false, cell: ({ row }) => row.original.requested_by },
  {
    id: "created",
    header: "Queued",
    enableSorting: false,
    cell: ({ row }) => formatTime(row.original.created_at),
  },
];

export function RunsTable({ rows }: { rows: RunRow[] }) {
  return (
    <DataTable
      columns={columns}
      rows={rows}
      caption="Reconciliation runs"
      rowKey={(row) => String(row.id)}
      emptyMessage="No runs yet."
    />
  );
}
