import { z } from "zod";
import { apiRoute } from "@/lib/http/api-route";
import { uploadOf } from "@/lib/imports/upload";
import { importAdyenSettlementReport } from "@/lib/reconciliation/adyen/report-import";

export const dynamic = "force-dynamic";

/** ?from=&to= set the period the report covers when its lines alone do not show it. */
const query = z.object({ from: z.string().optional(), to: z.string().optional() });

/** The CSV body is streamed into the import, never read whole. */
export const POST = apiRoute({ role: "finance", query }, async ({ principal, query, request }) =>
  Response.json(await importAdyenSettlementReport({ principal, upload: uploadOf(request), options: query }), {
    status: 201,
  }),
);
