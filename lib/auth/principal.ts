import type { Role } from "./roles";

/** Whoever is acting: a signed-in user or an API token. `actor` is what the audit log records. */
export type Principal = {
  kind: "user" | "token" | "system";
  id: string;
  actor: string;
  role: Role;
};

export const systemPrincipal = (name: string): Principal => ({
  kind: "system",
  id: name,
  actor: `system:${name}`,
  role: "admin",
});
