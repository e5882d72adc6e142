import "server-only";
import { desc, eq } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/db";
import { apiTokens } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { writeAudit } from "@/lib/audit/write";
import { requireRole } from "./authorize";
import type { Principal } from "./principal";
import { ROLES } from "./roles";
import { insertToken } from "./tokens";

export const newTokenSchema = z.object({
  name: z.string().trim().min(1).max(100),
  role: z.enum(ROLES),
});

/** Creates an API token; the token itself is returned once and only its hash is kept. */
export async function createToken({ principal, input }: { principal: Principal | null; input: unknown }) {
  const actor = requireRole(principal, "admin");
  const parsed = newTokenSchema.safeParse(input);
  if (!parsed.success) throw new AppError("bad_request", parsed.error.issues[0]?.message ?? "Invalid token");
  return db.transaction(async (tx) => {
    const created = await insertToken({ ...parsed.data, createdBy: actor.actor }, tx);
    await writeAudit(tx, {
      principal: actor,
      action: "token.create",
      target: `token:${created.id}`,
      details: { name: parsed.data.name, role: created.role },
    });
    return created;
  });
}

export async function revokeToken({ principal, id }: { principal: Principal | null; id: number }) {
  const actor = requireRole(principal, "admin");
  return db.transaction(async (tx) => {
    const [token] = await tx.select().from(apiTokens).where(eq(apiTokens.id, id)).for("update");
    if (!token) throw new AppError("not_found", `No token ${id}`);
    if (token.revokedAt) return;
    await tx.update(apiTokens).set({ revokedAt: new Date() }).where(eq(apiTokens.id, id));
    await writeAudit(tx, {
      principal: actor,
      action: "token.revoke",
      target: `token:${id}`,
      details: { name: token.name },
    });
  });
}

export async function listTokens() {
  return db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      prefix: apiTokens.prefix,
      role: apiTokens.role,
      createdBy: apiTokens.createdBy,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
      revokedAt: apiTokens.revokedAt,
    })
    .from(apiTokens)
    .orderBy(desc(apiTokens.id));
}
