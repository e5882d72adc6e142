import { AppError } from "@/lib/errors";
import type { Principal } from "./principal";
import { hasRole, type Role } from "./roles";

/** The first step of every mutation in lib/: refuse too weak a role before touching anything. */
export function requireRole(principal: Principal | null | undefined, role: Role): Principal {
  if (!principal) throw new AppError("unauthorized", "Sign in first");
  if (!hasRole(principal.role, role)) throw new AppError("forbidden", `This needs the ${role} role`);
  return principal;
}
