import "server-only";
import { redirect } from "next/navigation";
import { cache } from "react";
import { auth } from "@/auth";
import type { Principal } from "./principal";
import { hasRole, type Role } from "./roles";
import { findActiveUser, type SessionUser } from "./users";

/** The signed-in user, re-read from the database once per request. */
export const currentUser = cache(async (): Promise<SessionUser | null> => {
  const session = await auth();
  const id = Number((session?.user as { id?: unknown } | undefined)?.id);
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  return findActiveUser({ id });
});

export const principalForUser = (user: SessionUser): Principal => ({
  kind: "user",
  id: String(user.id),
  actor: `user:${user.email}`,
  role: user.role,
});

/** For server actions: the acting principal, or null (requireRole then refuses). */
export async function currentPrincipal(): Promise<Principal | null> {
  const user = await currentUser();
  return user ? principalForUser(user) : null;
}

/** For pages: signed out → /login; too weak a role → the overview with a notice. */
export async function requirePageRole(role: Role): Promise<{ user: SessionUser; principal: Principal }> {
  const user = await currentUser();
  if (!user) redirect("/login");
  if (!hasRole(user.role, role)) redirect(`/?forbidden=${role}`);
  return { user, principal: principalForUser(user) };
}
