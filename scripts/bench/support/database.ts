import { readFileSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { startEmbeddedPostgres } from "@/db/embedded";
import { runMigrations } from "@/db/migrate";
import { root } from "./processes";

export type BenchDatabase = {
  /** A fresh, migrated database on the shared server. */
  create: (name: string, migrate?: boolean) => Promise<string>;
  version: () => Promise<string>;
  stop: () => Promise<void>;
};

const dataDir = process.env.BENCH_DATA_DIR ?? "/tmp/tally-bench";

/** The bench server's postmaster: its process tree is all of PostgreSQL's CPU. */
export function postmasterPid(): number {
  return Number(readFileSync(path.join(dataDir, "postgres", "postmaster.pid"), "utf8").split("\n")[0]);
}

/**
 * What the bench watches on its own server (never set on a user's database):
 * statement statistics, and I/O timing so fsync time is measured.
 */
const OBSERVING = {
  shared_preload_libraries: "pg_stat_statements",
  track_io_timing: "on",
  track_wal_io_timing: "on",
};

/**
 * One embedded PostgreSQL for the whole run (BENCH_DATA_DIR, default
 * /tmp/tally-bench), same settings as `npm start`'s: fsync on, synchronous
 * commit, so every acknowledged event is durable, as in production.
 */
export async function benchDatabase(): Promise<BenchDatabase> {
  let server = await startEmbeddedPostgres({ dataDir, database: "postgres" });
  let admin = postgres(server.url, { max: 1, onnotice: () => {} });
  const [loaded] = await admin<{ shared_preload_libraries: string }[]>`show shared_preload_libraries`;
  if (loaded!.shared_preload_libraries !== OBSERVING.shared_preload_libraries) {
    for (const [name, value] of Object.entries(OBSERVING))
      await admin.unsafe(`alter system set ${name} = '${value}'`);
    await admin.end();
    await server.stop();
    server = await startEmbeddedPostgres({ dataDir, database: "postgres" });
    admin = postgres(server.url, { max: 1, onnotice: () => {} });
  }
  // Databases an earlier run left would have autovacuum working through their
  // million-row tables during this run's measurements.
  const stale = await admin<
    { datname: string }[]
  >`select datname from pg_database where datname like 'bench\\_%'`;
  for (const { datname } of stale) await admin.unsafe(`drop database if exists "${datname}" with (force)`);
  const urlOf = (name: string) => {
    const url = new URL(server.url);
    url.pathname = `/${name}`;
    return url.toString();
  };
  return {
    async create(name, migrate = true) {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.unsafe(`create database ${name}`);
      if (migrate) await runMigrations(urlOf(name), path.join(root, "drizzle"));
      const sql = postgres(urlOf(name), { max: 1, onnotice: () => {} });
      await sql`create extension if not exists pg_stat_statements`;
      await sql.end();
      return urlOf(name);
    },
    async version() {
      const [row] = await admin<{ server_version: string }[]>`show server_version`;
      return row!.server_version;
    },
    async stop() {
      await admin.end();
      await server.stop();
    },
  };
}
