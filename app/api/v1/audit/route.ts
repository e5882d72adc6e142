import { auditListSchema, listAudit, serializeAudit } from "@/lib/audit/queries";
import { apiRoute } from "@/lib/http/api-route";

export const dynamic = "force-dynamic";

export const GET = apiRoute({ role: "viewer", query: auditListSchema }, async ({ query }) => {
  const { limit, cursor, ...filters } = query;
  const page = await listAudit({ filters, limit, cursor });
  return Response.json({ data: page.data.map(serializeAudit), next_cursor: page.nextCursor });
});
