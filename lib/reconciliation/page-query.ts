import type { DiscrepancyFilters } from "./discrepancies";

type SearchParams = Record<string, string | string[] | undefined>;

const one = (value: string | string[] | undefined) =>
  typeof value === "string" && value ? value : undefined;

/** The discrepancies page's URL filters, as list filters. */
export function discrepancyFiltersFrom(params: SearchParams): DiscrepancyFilters & { page: number } {
  const run = Number(one(params.run));
  const page = Number(one(params.page));
  return {
    kind: one(params.kind),
    status: one(params.status),
    provider: one(params.provider),
    assignee: one(params.assignee),
    objectId: one(params.object),
    runId: Number.isInteger(run) && run > 0 ? run : undefined,
    page: Number.isInteger(page) && page > 0 ? page : 1,
  };
}
