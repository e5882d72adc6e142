import { z } from "zod";
import { apiRoute } from "@/lib/http/api-route";
import { enqueueRun, listRuns } from "@/lib/reconciliation/runs";

export const dynamic = "force-dynamic";

const body = z.object({
  provider: z.string(),
  from: z.string(),
  to: z.string(),
  kind: z.string().optional(),
});

export const POST = apiRoute({ role: "finance", body }, async ({ principal, body }) => {
  const run = await enqueueRun({ principal, ...body });
  return Response.json({ id: run.id }, { status: 202 });
});

const query = z.object({
  provider: z.string().optional(),
  status: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});

export const GET = apiRoute({ role: "viewer", query }, async ({ query }) => {
  const page = await listRuns(query);
  return Response.json({ data: page.data, next_cursor: page.nextCursor });
});
