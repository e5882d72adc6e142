"use client";

import { FilterBar } from "@/components/data-table/filter-bar";

const STATUSES = ["pending", "processing", "processed", "retrying", "dead", "ignored", "discarded"];

/** Explorer filters; applying them rewrites the URL, which the server page reads. */
export function EventFilters({ providers, types }: { providers: string[]; types: string[] }) {
  return (
    <FilterBar
      label="Filter events"
      className="mb-4 grid grid-cols-2 gap-3 md:grid-cols-4 xl:grid-cols-7"
      actionsClassName="col-span-2 flex items-end gap-2 md:col-span-4 xl:col-span-7"
      submitLabel="Apply filters"
      clearable
      fields={[
        {
          name: "q",
          id: "filter-q",
          label: "Event or object id",
          className: "col-span-2",
          placeholder: "evt_…, pi_…, or Tally id",
        },
        { name: "provider", id: "filter-provider", label: "Provider", options: providers },
        { name: "type", id: "filter-type", label: "Type", options: types },
        { name: "status", id: "filter-status", label: "Status", options: STATUSES },
        { name: "from", id: "filter-from", label: "Received from (UTC)", type: "datetime-local" },
        { name: "to", id: "filter-to", label: "Received before (UTC)", type: "datetime-local" },
      ]}
    />
  );
}
