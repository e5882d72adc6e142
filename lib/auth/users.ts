import "server-only";
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/db";
import { users } from "@/db/schema";
import { auditedChange } from "@/lib/audit/mutation";
import { AppError } from "@/lib/errors";
import { dummyPasswordHash, hashPassword, verifyPassword } from "./passwords";
import { systemPrincipal, type Principal } from "./principal";
import { isSignInLimited, recordSignInAttempt } from "./rate-limit";
import { ROLES, type Role } from "./roles";

export type SessionUser = { id: number; email: string; role: Role };

export const newUserSchema = z.object({
  email: z
    .email()
    .max(254)
    .transform((email) => email.toLowerCase()),
  password: z.string().min(10, "must be at least 10 characters").max(200),
  role: z.enum(ROLES),
});

const publicColumns = {
  id: users.id,
  email: users.email,
  role: users.role,
  createdAt: users.createdAt,
  disabledAt: users.disabledAt,
};

export type SignInResult =
  { ok: true; user: SessionUser } | { ok: false; reason: "invalid" | "rate_limited" };

/**
 * Checks an e-mail and password. An unknown or disabled user still costs one
 * scrypt (against a dummy hash) so timing does not reveal who has an account.
 */
export async function verifyCredentials({
  email,
  password,
  ip,
}: {
  email: string;
  password: string;
  ip: string;
}): Promise<SignInResult> {
  const normalised = email.trim().toLowerCase();
  if (await isSignInLimited({ email: normalised, ip })) return { ok: false, reason: "rate_limited" };
  const [user] = await db
    .select({ ...publicColumns, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(sql`lower(${users.email})`, normalised))
    .limit(1);
  const usable = user && !user.disabledAt;
  const matches = await verifyPassword(password, usable ? user.passwordHash : await dummyPasswordHash());
  const succeeded = Boolean(usable && matches);
  await recordSignInAttempt({ email: normalised, ip, succeeded });
  if (!succeeded || !user) return { ok: false, reason: "invalid" };
  return { ok: true, user: { id: user.id, email: user.email, role: user.role } };
}

/** The user behind a session, re-read so a disabled account or a changed role takes effect at once. */
export async function findActiveUser({ id }: { id: number }): Promise<SessionUser | null> {
  const [user] = await db
    .select({ id: users.id, email: users.email, role: users.role })
    .from(users)
    .where(and(eq(users.id, id), isNull(users.disabledAt)))
    .limit(1);
  return user ?? null;
}

export async function findActiveUserByEmail({ email }: { email: string }): Promise<SessionUser | null> {
  const [user] = await db
    .select({ id: users.id, email: users.email, role: users.role })
    .from(users)
    .where(and(eq(sql`lower(${users.email})`, email.trim().toLowerCase()), isNull(users.disabledAt)))
    .limit(1);
  return user ?? null;
}

export async function listUsers() {
  return db.select(publicColumns).from(users).orderBy(asc(users.email));
}

export async function createUser({ principal, input }: { principal: Principal | null; input: unknown }) {
  return auditedChange({
    principal,
    role: "admin",
    schema: newUserSchema,
    input,
    change: async ({ tx, input: { email, password, role } }) => {
      const passwordHash = await hashPassword(password);
      const [row] = await tx
        .insert(users)
        .values({ email, passwordHash, role })
        .onConflictDoNothing()
        .returning({ id: users.id, email: users.email, role: users.role });
      if (!row) throw new AppError("conflict", `A user with e-mail ${email} already exists`);
      return {
        result: row,
        audit: { action: "user.create", target: `user:${row.id}`, details: { email, role } },
      };
    },
  });
}

/** Creates a user at start-up when no user has that e-mail yet (never changes an existing one). */
export async function ensureUser({ email, password, role }: { email: string; password: string; role: Role }) {
  return auditedChange({
    principal: systemPrincipal("startup"),
    role: "admin",
    // The environment's own rules (lib/config.ts) already checked the password.
    schema: newUserSchema.extend({ password: z.string().min(1) }),
    input: { email, password, role },
    change: async ({ tx, input }) => {
      const passwordHash = await hashPassword(input.password);
      const [row] = await tx
        .insert(users)
        .values({ email: input.email, passwordHash, role: input.role })
        .onConflictDoNothing()
        .returning({ id: users.id });
      if (!row) return { result: false, audit: null };
      return {
        result: true,
        audit: {
          action: "user.create",
          target: `user:${row.id}`,
          details: { email: input.email, role: input.role, source: "environment" },
        },
      };
    },
  });
}

const userChangeSchema = z.object({
  userId: z.coerce.number().int().positive(),
  role: z.enum(ROLES).optional(),
  disabled: z.boolean().optional(),
});

/** Changes a user's role or enables/disables it. Admins cannot lock themselves out. */
export async function updateUser({ principal, input }: { principal: Principal | null; input: unknown }) {
  return auditedChange({
    principal,
    role: "admin",
    schema: userChangeSchema,
    input,
    change: async ({ tx, input: { userId, role, disabled }, principal: actor }) => {
      if (actor.kind === "user" && actor.id === String(userId) && (disabled || (role && role !== "admin"))) {
        throw new AppError("conflict", "You cannot disable or demote yourself");
      }
      const [before] = await tx.select(publicColumns).from(users).where(eq(users.id, userId)).for("update");
      if (!before) throw new AppError("not_found", `No user ${userId}`);
      const changes: Partial<{ role: Role; disabledAt: Date | null }> = {};
      if (role && role !== before.role) changes.role = role;
      if (disabled !== undefined && disabled !== Boolean(before.disabledAt))
        changes.disabledAt = disabled ? new Date() : null;
      if (Object.keys(changes).length === 0) return { result: before, audit: null };
      const [after] = await tx
        .update(users)
        .set(changes)
        .where(eq(users.id, userId))
        .returning(publicColumns);
      return {
        result: after!,
        audit: {
          action: changes.role ? "user.role_change" : disabled ? "user.disable" : "user.enable",
          target: `user:${userId}`,
          details: {
            email: before.email,
            ...(changes.role ? { from: before.role, to: changes.role } : {}),
            ...(changes.disabledAt !== undefined ? { disabled: Boolean(changes.disabledAt) } : {}),
          },
        },
      };
    },
  });
}
