import { z } from "zod";
import { apiRoute } from "@/lib/http/api-route";
import { uploadOf } from "@/lib/imports/upload";
import { importBankStatement } from "@/lib/reconciliation/bank/import";

export const dynamic = "force-dynamic";

/** Column names may be given when a bank's header is not recognised: ?date=Booking%20Day&amount=Credit */
const query = z.record(z.string(), z.string());

/** The CSV body is streamed into the import, never read whole. */
export const POST = apiRoute({ role: "finance", query }, async ({ principal, query, request }) =>
  Response.json(await importBankStatement({ principal, upload: uploadOf(request), options: query }), {
    status: 201,
  }),
);
