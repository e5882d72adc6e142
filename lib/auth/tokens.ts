import "server-only";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import { db } from "@/db";
import { apiTokens } from "@/db/schema";
import { config } from "@/lib/config";
import type { Principal } from "./principal";
import type { Role } from "./roles";

const TOKEN_PREFIX = "tly_";

export const hashToken = (token: string): string => createHash("sha256").update(token).digest("hex");

export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString("base64url");
}

function matchesBootstrapToken(token: string): boolean {
  const bootstrap = config().API_TOKEN;
  if (!bootstrap) return false;
  // Compare digests so the comparison is constant-time whatever the lengths.
  return timingSafeEqual(Buffer.from(hashToken(token), "hex"), Buffer.from(hashToken(bootstrap), "hex"));
}

/** Resolves a bearer token to a principal, or null when it is unknown or revoked. */
export async function principalForToken(token: string): Promise<Principal | null> {
  if (!token || token.length > 512) return null;
  if (matchesBootstrapToken(token))
    return { kind: "token", id: "bootstrap", actor: "token:API_TOKEN", role: "admin" };
  const [row] = await db
    .select({ id: apiTokens.id, name: apiTokens.name, role: apiTokens.role })
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, hashToken(token)), isNull(apiTokens.revokedAt)))
    .limit(1);
  if (!row) return null;
  return { kind: "token", id: String(row.id), actor: `token:${row.name}#${row.id}`, role: row.role as Role };
}

export async function insertToken(input: { name: string; role: Role; createdBy: string }, executor = db) {
  const token = generateToken();
  const [row] = await executor
    .insert(apiTokens)
    .values({
      name: input.name,
      role: input.role,
      createdBy: input.createdBy,
      tokenHash: hashToken(token),
      prefix: token.slice(0, TOKEN_PREFIX.length + 6),
    })
    .returning({ id: apiTokens.id, role: apiTokens.role });
  return { id: row!.id, token, role: row!.role };
}
