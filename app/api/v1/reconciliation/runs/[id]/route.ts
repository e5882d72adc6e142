import { z } from "zod";
import { apiRoute } from "@/lib/http/api-route";
import { getRun } from "@/lib/reconciliation/runs";

export const dynamic = "force-dynamic";

const params = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

export const GET = apiRoute({ role: "viewer", params }, async ({ params }) =>
  Response.json(await getRun({ id: params.id })),
);
