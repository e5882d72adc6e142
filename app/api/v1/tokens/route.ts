import { z } from "zod";
import { createToken } from "@/lib/auth/token-admin";
import { apiRoute } from "@/lib/http/api-route";

export const dynamic = "force-dynamic";

const body = z.object({ name: z.string(), role: z.string() });

export const POST = apiRoute({ role: "admin", body }, async ({ principal, body }) => {
  const created = await createToken({ principal, input: body });
  return Response.json({ id: created.id, token: created.token, role: created.role }, { status: 201 });
});
