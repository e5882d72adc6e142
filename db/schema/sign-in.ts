import { bigint, boolean, index, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Sign-in attempts, kept in the database so the rate limit holds across
 * every web process. `key` is `email:<address>` or `ip:<address>`.
 */
export const signInAttempts = pgTable(
  "sign_in_attempts",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    key: text().notNull(),
    succeeded: boolean().notNull(),
    at: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [index("sign_in_attempts_key_at_idx").on(t.key, t.at)],
);
export type SignInAttempt = typeof signInAttempts.$inferSelect;
