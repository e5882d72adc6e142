import { z } from "zod";
import { apiRoute } from "@/lib/http/api-route";
import { listDiscrepancies } from "@/lib/reconciliation/discrepancies";

export const dynamic = "force-dynamic";

const query = z.object({
  run_id: z.coerce.number().int().positive().optional(),
  kind: z.string().optional(),
  status: z.string().optional(),
  provider: z.string().optional(),
  assignee: z.string().optional(),
  object_id: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().optional(),
});

export const GET = apiRoute({ role: "viewer", query }, async ({ query }) =>
  Response.json(
    await listDiscrepancies({
      runId: query.run_id,
      kind: query.kind,
      status: query.status,
      provider: query.provider,
      assignee: query.assignee,
      objectId: query.object_id,
      limit: query.limit,
      cursor: query.cursor,
    }),
  ),
);
