"use client";

import { FilterBar } from "@/components/data-table/filter-bar";

export function AuditFilters({ actions }: { actions: string[] }) {
  return (
    <FilterBar
      label="Filter the audit log"
      className="mb-4 grid grid-cols-2 gap-3 md:grid-cols-6"
      fields={[
        { name: "action", id: "audit-action", label: "Action", options: actions },
        { name: "actor", id: "audit-actor", label: "Actor", placeholder: "user:ana@…" },
        { name: "target", id: "audit-target", label: "Target", placeholder: "event:123" },
        { name: "from", id: "audit-from", label: "From (UTC)", type: "datetime-local" },
        { name: "to", id: "audit-to", label: "Before (UTC)", type: "datetime-local" },
      ]}
    />
  );
}
