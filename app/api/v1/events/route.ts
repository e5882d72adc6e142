import { eventFiltersSchema, listEvents } from "@/lib/events/queries";
import { serializeEventSummary } from "@/lib/events/serialize";
import { apiRoute } from "@/lib/http/api-route";

export const dynamic = "force-dynamic";

export const GET = apiRoute({ role: "viewer", query: eventFiltersSchema }, async ({ query }) => {
  const page = await listEvents({ filters: query });
  return Response.json({ data: page.data.map(serializeEventSummary), next_cursor: page.nextCursor });
});
