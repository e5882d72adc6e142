import { csvDownload } from "@/lib/http/csv-download";
import { discrepanciesCsv } from "@/lib/reconciliation/exports";
import { discrepancyFiltersFrom } from "@/lib/reconciliation/page-query";

export const dynamic = "force-dynamic";

/** The exceptions as CSV, with the page's filters (finance exports reports). */
export const GET = csvDownload({
  role: "finance",
  build: async (params) => {
    const { page: _page, ...filters } = discrepancyFiltersFrom(Object.fromEntries(params));
    return {
      filename: `discrepancies-${new Date().toISOString().slice(0, 10)}.csv`,
      csv: await discrepanciesCsv(filters),
    };
  },
});
