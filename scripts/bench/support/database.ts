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

/**
 * One embedded PostgreSQL for the whole run (BENCH_DATA_DIR, default
 * /tmp/tally-bench), same settings as `npm start`'s: fsync on, synchronous
 * commit, so every acknowledged event is durable, as in production.
 */
export async function benchDatabase(): Promise<BenchDatabase> {
  const dataDir = process.env.BENCH_DATA_DIR ?? "/tmp/tally-bench";
  const server = await startEmbeddedPostgres({ dataDir, database: "postgres" });
  const admin = postgres(server.url, { max: 1, onnotice: () => {} });
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
