import { apiRoute } from "@/lib/http/api-route";
import { recheckDiscrepancy } from "@/lib/reconciliation/recheck";
import { discrepancyParams } from "@/lib/reconciliation/route-params";

export const dynamic = "force-dynamic";

export const POST = apiRoute({ role: "finance", params: discrepancyParams }, async ({ principal, params }) =>
  Response.json(await recheckDiscrepancy({ principal, id: params.id }), { status: 202 }),
);
