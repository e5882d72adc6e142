import { csvDownload } from "@/lib/http/csv-download";
import { settlementCsv } from "@/lib/reconciliation/exports";
import { currentMonth } from "@/lib/reconciliation/settlement";

export const dynamic = "force-dynamic";

/** The month's settlement report as CSV. */
export const GET = csvDownload({
  role: "finance",
  build: async (params) => {
    const requested = params.get("month") ?? "";
    const month = /^\d{4}-\d{2}$/.test(requested) ? requested : currentMonth();
    return { filename: `settlement-${month}.csv`, csv: await settlementCsv({ month }) };
  },
});
