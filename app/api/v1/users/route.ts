import { z } from "zod";
import { createUser } from "@/lib/auth/users";
import { apiRoute } from "@/lib/http/api-route";

export const dynamic = "force-dynamic";

// Shape only; createUser validates the values (e-mail, password length, role).
const body = z.object({ email: z.string(), password: z.string(), role: z.string() });

export const POST = apiRoute({ role: "admin", body }, async ({ principal, body }) => {
  const user = await createUser({ principal, input: body });
  return Response.json({ id: user.id, email: user.email, role: user.role }, { status: 201 });
});
