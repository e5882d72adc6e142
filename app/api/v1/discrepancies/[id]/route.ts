import { apiRoute } from "@/lib/http/api-route";
import { getDiscrepancy } from "@/lib/reconciliation/discrepancies";
import { discrepancyParams } from "@/lib/reconciliation/route-params";

export const dynamic = "force-dynamic";

export const GET = apiRoute({ role: "viewer", params: discrepancyParams }, async ({ params }) =>
  Response.json(await getDiscrepancy({ id: params.id })),
);
