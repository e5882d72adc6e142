import { ROLES, type Role } from "@/db/schema/auth";

export { ROLES, type Role };

const RANK: Record<Role, number> = { viewer: 0, operator: 1, finance: 2, admin: 3 };

/** viewer < operator < finance < admin: each role can do what the ones before it can. */
export const hasRole = (actual: Role, required: Role): boolean => RANK[actual] >= RANK[required];

export const isRole = (value: unknown): value is Role =>
  typeof value === "string" && (ROLES as readonly string[]).includes(value);
