import "server-only";
import { db } from "@/db";
import { auditLog, users } from "@/db/schema";
import type { Role } from "@/lib/auth/roles";
import { hashPassword } from "@/lib/auth/passwords";

/** Creates a user at start-up when no user has that e-mail yet (never changes an existing one). */
export async function ensureUser({ email, password, role }: { email: string; password: string; role: Role }) {
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(users)
      .values({ email: email.toLowerCase(), passwordHash, role })
      .onConflictDoNothing()
      .returning({ id: users.id });
    if (inserted.length === 0) return false;
    await tx.insert(auditLog).values({
      actor: "system:startup",
      action: "user.create",
      target: `user:${inserted[0]!.id}`,
      details: { email: email.toLowerCase(), role, source: "environment" },
    });
    return true;
  });
}
