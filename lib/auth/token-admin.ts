import "server-only";
import { desc, eq } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/db";
import { apiTokens } from "@/db/schema";
import { auditedChange } from "@/lib/audit/mutation";
import { AppError } from "@/lib/errors";
import type { Principal } from "./principal";
import { ROLES } from "./roles";
import { insertToken } from "./tokens";

export const newTokenSchema = z.object({
  name: z.string().trim().min(1).max(100),
  role: z.enum(ROLES),
});

/** Creates an API token; the token itself is returned once and only its hash is kept. */
export async function createToken({ principal, input }: { principal: Principal | null; input: unknown }) {
  return auditedChange({
    principal,
    role: "admin",
    schema: newTokenSchema,
    input,
    change: async ({ tx, input: token, principal: actor }) => {
      const created = await insertToken({ ...token, createdBy: actor.actor }, tx);
      return {
        result: created,
        audit: {
          action: "token.create",
          target: `token:${created.id}`,
          details: { name: token.name, role: created.role },
        },
      };
    },
  });
}

export async function revokeToken({ principal, id }: { principal: Principal | null; id: number }) {
  return auditedChange({
    principal,
    role: "admin",
    schema: z.object({ id: z.number().int().positive() }),
    input: { id },
    change: async ({ tx }) => {
      const [token] = await tx.select().from(apiTokens).where(eq(apiTokens.id, id)).for("update");
      if (!token) throw new AppError("not_found", `No token ${id}`);
      if (token.revokedAt) return { result: undefined, audit: null };
      await tx.update(apiTokens).set({ revokedAt: new Date() }).where(eq(apiTokens.id, id));
      return {
        result: undefined,
        audit: { action: "token.revoke", target: `token:${id}`, details: { name: token.name } },
      };
    },
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
