import path from "node:path";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";

// Arbitrary constant: every Tally process contends on the same key.
const MIGRATION_LOCK_KEY = 7_214_001;

/**
 * Applies the committed migrations. An advisory lock serialises processes
 * that start at once; the ones that wait find nothing left to do.
 */
export async function runMigrations(url: string, migrationsFolder = path.join(process.cwd(), "drizzle")) {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    try {
      await migrate(drizzle(sql), { migrationsFolder });
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}
