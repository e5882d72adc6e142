import { apiRoute } from "@/lib/http/api-route";
import { reopenDiscrepancy } from "@/lib/reconciliation/actions";
import { discrepancyParams } from "@/lib/reconciliation/route-params";

export const dynamic = "force-dynamic";

export const POST = apiRoute({ role: "finance", params: discrepancyParams }, async ({ principal, params }) =>
  Response.json(await reopenDiscrepancy({ principal, id: params.id })),
);
