import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres, { type Sql } from "postgres";
import { setting } from "../lib/config";
import * as schema from "./schema";

export type Database = PostgresJsDatabase<typeof schema>;
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];
/** Anything queries can run on: the pool or an open transaction. */
export type Executor = Database | Transaction;

type Client = { sql: Sql; db: Database; url: string };

// One pool per process, kept on globalThis so module re-evaluation reuses it.
const holder = globalThis as unknown as { __tallyDb?: Client };

function databaseUrl(): string {
  const url = setting("DATABASE_URL");
  if (!url) throw new Error("DATABASE_URL is not set: start Tally with `npm start` or set it");
  return url;
}

function connect(url: string): Client {
  const sql = postgres(url, {
    max: setting("DATABASE_POOL_MAX"),
    connect_timeout: 3,
    idle_timeout: 30,
    onnotice: () => {},
    connection: { application_name: setting("TALLY_PROCESS_NAME") },
  });
  return { sql, db: drizzle(sql, { schema, casing: "snake_case" }), url };
}

function client(): Client {
  const url = databaseUrl();
  if (!holder.__tallyDb || holder.__tallyDb.url !== url) holder.__tallyDb = connect(url);
  return holder.__tallyDb;
}

/** The Drizzle database. */
export const db: Database = new Proxy({} as Database, {
  get(_target, prop) {
    const target = client().db as unknown as Record<PropertyKey, unknown>;
    const value = target[prop];
    return typeof value === "function" ? value.bind(target) : value;
  },
});

/**
 * The raw postgres.js client, for LISTEN/NOTIFY, COPY and hand-tuned SQL.
 * Drizzle installs its own type serializers on this client: pass timestamps
 * as ISO strings, not Date objects.
 */
export function rawSql(): Sql {
  return client().sql;
}

export async function closeDb(): Promise<void> {
  const current = holder.__tallyDb;
  holder.__tallyDb = undefined;
  await current?.sql.end({ timeout: 5 });
}

export { schema };
