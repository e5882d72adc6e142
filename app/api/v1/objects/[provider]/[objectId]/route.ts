import { z } from "zod";
import { AppError } from "@/lib/errors";
import { apiRoute } from "@/lib/http/api-route";
import { getObject, serializeRecord } from "@/lib/records/queries";

export const dynamic = "force-dynamic";

const params = z.object({ provider: z.string().min(1).max(50), objectId: z.string().min(1).max(255) });

export const GET = apiRoute({ role: "viewer", params }, async ({ params }) => {
  const found = await getObject({ provider: params.provider, objectId: params.objectId });
  if (!found)
    throw new AppError("not_found", `No record or event for ${params.provider} object ${params.objectId}`);
  return Response.json({
    ...(found.record
      ? serializeRecord(found.record)
      : { provider: params.provider, object_id: params.objectId, kind: null, status: null }),
    related: found.related.map(serializeRecord),
    events: found.events.map((event) => ({
      id: event.id,
      provider_event_id: event.providerEventId,
      type: event.type,
      status: event.status,
      provider_created_at: event.providerCreatedAt?.toISOString() ?? null,
      received_at: event.receivedAt.toISOString(),
      recovered: event.recovered,
    })),
  });
});
