import { z } from "zod";
import { AppError } from "@/lib/errors";
import { getEvent } from "@/lib/events/queries";
import { serializeEventDetail } from "@/lib/events/serialize";
import { apiRoute } from "@/lib/http/api-route";

export const dynamic = "force-dynamic";

const params = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

export const GET = apiRoute({ role: "viewer", params }, async ({ params }) => {
  const found = await getEvent({ id: params.id });
  if (!found) throw new AppError("not_found", `Event ${params.id} not found`);
  return Response.json(serializeEventDetail(found.event, found.attempts));
});
