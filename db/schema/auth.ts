import { sql } from "drizzle-orm";
import { bigint, check, index, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

export const ROLES = ["viewer", "operator", "finance", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const users = pgTable(
  "users",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    email: text().notNull(),
    passwordHash: text().notNull(),
    role: text().$type<Role>().notNull(),
    createdAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
    disabledAt: timestamp({ withTimezone: true, mode: "date" }),
  },
  (t) => [
    uniqueIndex("users_email_uq").on(sql`lower(${t.email})`),
    check("users_role_check", sql`${t.role} in ('viewer','operator','finance','admin')`),
  ],
);
export type User = typeof users.$inferSelect;

/** API tokens: only a SHA-256 of the token is kept; the token is shown once. */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    name: text().notNull(),
    tokenHash: text().notNull(),
    prefix: text().notNull(),
    role: text().$type<Role>().notNull(),
    createdBy: text().notNull(),
    createdAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
    lastUsedAt: timestamp({ withTimezone: true, mode: "date" }),
    revokedAt: timestamp({ withTimezone: true, mode: "date" }),
  },
  (t) => [
    uniqueIndex("api_tokens_hash_uq").on(t.tokenHash),
    index("api_tokens_created_idx").on(t.createdAt),
    check("api_tokens_role_check", sql`${t.role} in ('viewer','operator','finance','admin')`),
  ],
);
export type ApiToken = typeof apiTokens.$inferSelect;
