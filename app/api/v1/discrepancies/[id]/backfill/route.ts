import { apiRoute } from "@/lib/http/api-route";
import { backfillFromProvider } from "@/lib/reconciliation/backfill";
import { discrepancyParams } from "@/lib/reconciliation/route-params";

export const dynamic = "force-dynamic";

export const POST = apiRoute({ role: "finance", params: discrepancyParams }, async ({ principal, params }) =>
  Response.json(await backfillFromProvider({ principal, id: params.id }), { status: 202 }),
);
