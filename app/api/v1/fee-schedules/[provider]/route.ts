import { z } from "zod";
import { apiRoute } from "@/lib/http/api-route";
import { getFeeSchedule, putFeeSchedule } from "@/lib/reconciliation/fee-schedules";

export const dynamic = "force-dynamic";

const params = z.object({ provider: z.string().min(1).max(40) });

export const GET = apiRoute({ role: "viewer", params }, async ({ params }) =>
  Response.json(await getFeeSchedule({ provider: params.provider })),
);

export const PUT = apiRoute(
  { role: "finance", params, body: z.unknown() },
  async ({ principal, params, body }) =>
    Response.json(await putFeeSchedule({ principal, provider: params.provider, schedule: body })),
);
