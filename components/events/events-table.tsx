"use client";

import type { ColumnDef } from "@tanstack/react-table";
import Link from "next/link";
import { DataTable } from "@/components/data-table/data-table";
import { formatTime } from "@/components/ui/format";
import { RecoveredTag } from "@/components/ui/recovered-tag";
import { StatusBadge } from "@/components/ui/status-badge";

export type EventRow = {
  id: number;
  provider: string;
  providerEventId: string;
  type: string;
  status: string;
  attempts: number;
  objectId: string | null;
  receivedAt: string;
  processedAt: string | null;
  lastError: string | null;
  /** Ingested by reconciliation from the provider's event list: the webhook never reached us. */
  recovered: boolean;
};

const columns: ColumnDef<EventRow, unknown>[] = [
  {
    id: "id",
    header: "Id",
    cell: ({ row }) => (
      <Link
        href={`/events/${row.original.id}`}
        className="font-mono text-indigo-700 hover:underline dark:text-indigo-300"
      >
        {row.original.id}
      </Link>
    ),
  },
  {
    id: "received_at",
    header: "Received",
    cell: ({ row }) => <span className="whitespace-nowrap">{formatTime(row.original.receivedAt)}</span>,
  },
  { id: "provider", header: "Provider", enableSorting: false, cell: ({ row }) => row.original.provider },
  { id: "type", header: "Type", cell: ({ row }) => row.original.type },
  {
    id: "status",
    header: "Status",
    cell: ({ row }) => (
      <span className="flex flex-wrap items-center gap-1">
        <StatusBadge status={row.original.status} />
        {row.original.recovered && (
          <RecoveredTag title="The webhook never reached Tally: reconciliation recovered this event from the provider's event list" />
        )}
      </span>
    ),
  },
  { id: "attempts", header: "Attempts", cell: ({ row }) => row.original.attempts },
  {
    id: "object",
    header: "Object / event",
    enableSorting: false,
    cell: ({ row }) => (
      <div className="font-mono text-xs">
        <div>{row.original.objectId ?? "—"}</div>
        <div className="text-zinc-500">{row.original.providerEventId}</div>
      </div>
    ),
  },
  {
    id: "last_error",
    header: "Last error",
    enableSorting: false,
    cell: ({ row }) => (
      <span className="line-clamp-2 max-w-xs text-xs text-red-700 dark:text-red-300">
        {row.original.lastError ?? ""}
      </span>
    ),
  },
];

export function EventsTable({ rows, sort, dir }: { rows: EventRow[]; sort: string; dir: "asc" | "desc" }) {
  return (
    <DataTable
      caption="Events"
      columns={columns}
      rows={rows}
      sort={sort}
      dir={dir}
      rowKey={(row) => String(row.id)}
      emptyMessage="No events match these filters."
    />
  );
}
