import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { afterAll, beforeAll, inject } from "vitest";
import { closeDb } from "@/db";
import { withDatabase } from "../global-setup";

export type TestDatabase = { url: string; name: string; adminUrl: string };

/**
 * Gives the calling test file its own database, cloned from the migrated
 * template, and points the app's client (DATABASE_URL) at it.
 */
export function useTestDatabase(): TestDatabase {
  const adminUrl = inject("pgAdminUrl");
  const name = `t_${randomBytes(6).toString("hex")}`;
  const handle: TestDatabase = { url: withDatabase(adminUrl, name), name, adminUrl };

  beforeAll(async () => {
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name} template tally_template`);
    await admin.end();
    process.env.DATABASE_URL = handle.url;
  });

  afterAll(async () => {
    await closeDb();
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  });

  return handle;
}

/** A short-lived raw connection to the test database, for assertions. */
export async function withSql<T>(url: string, fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end();
  }
}
