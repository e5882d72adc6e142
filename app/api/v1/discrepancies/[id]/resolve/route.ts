import { z } from "zod";
import { apiRoute } from "@/lib/http/api-route";
import { resolveDiscrepancy } from "@/lib/reconciliation/actions";
import { discrepancyParams } from "@/lib/reconciliation/route-params";

export const dynamic = "force-dynamic";

export const POST = apiRoute(
  { role: "finance", params: discrepancyParams, body: z.record(z.string(), z.unknown()) },
  async ({ principal, params, body }) =>
    Response.json(await resolveDiscrepancy({ principal, id: params.id, input: body }), { status: 200 }),
);
