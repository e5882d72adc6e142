import { apiRoute } from "@/lib/http/api-route";
import { auditFiltersSchema, listAudit, serializeAudit } from "@/lib/ops/audit-queries";

export const dynamic = "force-dynamic";

export const GET = apiRoute({ role: "viewer", query: auditFiltersSchema }, async ({ query }) => {
  const page = await listAudit(query);
  return Response.json({ data: page.data.map(serializeAudit), next_cursor: page.nextCursor });
});
