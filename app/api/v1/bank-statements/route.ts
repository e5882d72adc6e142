import { z } from "zod";
import { apiRoute } from "@/lib/http/api-route";
import { importBankStatement } from "@/lib/reconciliation/bank/import";

export const dynamic = "force-dynamic";

/** Column names may be given when a bank's header is not recognised: ?date=Booking%20Day&amount=Credit */
const query = z.record(z.string(), z.string());

export const POST = apiRoute({ role: "finance", query, rawBody: true }, async ({ principal, query, text }) =>
  Response.json(await importBankStatement({ principal, csv: text, options: query }), { status: 201 }),
);
