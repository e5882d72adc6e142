"use client";

import { FilterBar } from "@/components/data-table/filter-bar";
import { DISCREPANCY_KIND_OPTIONS, DISCREPANCY_STATUS_OPTIONS, kindLabel } from "./labels";

const KINDS = DISCREPANCY_KIND_OPTIONS.map((kind) => [kind, kindLabel(kind)] as const);
const STATUSES = DISCREPANCY_STATUS_OPTIONS.map((status) => [status, status.replace(/_/g, " ")] as const);

export function DiscrepancyFilters() {
  return (
    <FilterBar
      label="Filter discrepancies"
      className="mb-4 grid grid-cols-2 gap-3 md:grid-cols-7"
      fields={[
        { name: "kind", id: "d-kind", label: "Kind", options: KINDS },
        { name: "status", id: "d-status", label: "Status", options: STATUSES },
        { name: "provider", id: "d-provider", label: "Provider", options: ["stripe", "mangopay", "adyen"] },
        { name: "run", id: "d-run", label: "Run", inputMode: "numeric", placeholder: "#" },
        { name: "assignee", id: "d-assignee", label: "Assignee" },
        { name: "object", id: "d-object", label: "Object id", placeholder: "pi_…" },
      ]}
    />
  );
}
