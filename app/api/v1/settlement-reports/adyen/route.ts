import { z } from "zod";
import { apiRoute } from "@/lib/http/api-route";
import { importAdyenSettlementReport } from "@/lib/reconciliation/adyen/report-import";

export const dynamic = "force-dynamic";

/** ?from=&to= set the period the report covers when its lines alone do not show it. */
const query = z.object({ from: z.string().optional(), to: z.string().optional() });

export const POST = apiRoute({ role: "finance", query, rawBody: true }, async ({ principal, query, text }) =>
  Response.json(await importAdyenSettlementReport({ principal, csv: text, options: query }), { status: 201 }),
);
