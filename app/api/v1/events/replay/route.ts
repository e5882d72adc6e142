import { z } from "zod";
import { apiRoute } from "@/lib/http/api-route";
import { replayEvents } from "@/lib/ops/replay";

export const dynamic = "force-dynamic";

const body = z.object({
  status: z.literal("dead", {
    error: 'Bulk replay takes {"status":"dead"} and optional type, provider, from, to',
  }),
  type: z.string().max(200).optional(),
  provider: z.string().max(50).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  reason: z.string().max(1000).optional(),
});

export const POST = apiRoute({ role: "operator", body }, async ({ body, principal }) => {
  const { reason, ...filter } = body;
  const result = await replayEvents({ principal, filter, reason });
  return Response.json(result);
});
