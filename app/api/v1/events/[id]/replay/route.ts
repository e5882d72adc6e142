import { z } from "zod";
import { apiRoute } from "@/lib/http/api-route";
import { replayEvent } from "@/lib/ops/replay";

export const dynamic = "force-dynamic";

const params = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const body = z.object({ reason: z.string().max(1000).optional() });

export const POST = apiRoute({ role: "operator", params, body }, async ({ params, body, principal }) => {
  const result = await replayEvent({ principal, eventId: params.id, reason: body.reason });
  return Response.json({ replayed: result.replayed, id: params.id }, { status: 202 });
});
