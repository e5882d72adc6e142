import { auditPageSchema, exportAuditCsv } from "@/lib/audit/queries";
import { csvDownload } from "@/lib/http/csv-download";
import { parseSearchParams } from "@/lib/http/search-params";

export const dynamic = "force-dynamic";

/** The audit log with the page's filters, as CSV. */
export const GET = csvDownload({
  role: "viewer",
  build: async (params) => {
    const { page: _page, ...filters } = parseSearchParams(auditPageSchema, Object.fromEntries(params));
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
    return { filename: `tally-audit-${stamp}.csv`, csv: await exportAuditCsv({ filters }) };
  },
});
