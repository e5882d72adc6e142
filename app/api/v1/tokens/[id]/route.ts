import { z } from "zod";
import { revokeToken } from "@/lib/auth/token-admin";
import { apiRoute } from "@/lib/http/api-route";

export const dynamic = "force-dynamic";

const params = z.object({ id: z.coerce.number().int().positive() });

export const DELETE = apiRoute({ role: "admin", params }, async ({ principal, params }) => {
  await revokeToken({ principal, id: params.id });
  return new Response(null, { status: 204 });
});
