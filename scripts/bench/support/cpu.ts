import { readdirSync, readFileSync } from "node:fs";

/** Linux reports process CPU in clock ticks of 1/100 s (USER_HZ). */
const TICK_MS = 10;

function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The fields after the parenthesised command name, which may itself hold spaces.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/** CPU ms a process used itself (user + system) and what its exited, reaped children used. */
function timesOf(pid: number): { self: number; reaped: number } | null {
  const fields = statFields(pid);
  if (!fields) return null;
  const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((index) => Number(fields[index]));
  return { self: (utime! + stime!) * TICK_MS, reaped: (cutime! + cstime!) * TICK_MS };
}

/** The process and every live descendant of it. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const parent = Number(statFields(pid)?.[1] ?? -1);
    children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const tree: number[] = [];
  const visit = (pid: number) => {
    tree.push(pid);
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(root);
  return tree;
}

/** The live children of a process. */
export const childrenOf = (pid: number) => processTree(pid).filter((other) => other !== pid);

/**
 * CPU ms a whole process tree has used: every live process in it plus what
 * its exited children used (the kernel adds a reaped child's time to its
 * parent), so a PostgreSQL backend that exits between two readings still counts.
 */
export function treeCpuMs(root: number): number {
  let total = 0;
  for (const pid of processTree(root)) {
    const times = timesOf(pid);
    if (times) total += times.self + times.reaped;
  }
  return total;
}

/** CPU ms of one process alone, not its children (e.g. `npm start`'s worker, not its web child). */
export const selfCpuMs = (pid: number) => timesOf(pid)?.self ?? 0;

/** This process's own CPU ms: the load generator. */
export function ownCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/**
 * Measures the CPU each named group of processes used between the call and
 * `stop()`. A group is a function that reads its processes' CPU ms now.
 */
export function cpuMeter(groups: Record<string, () => number>) {
  const read = () => Object.fromEntries(Object.entries(groups).map(([name, ms]) => [name, ms()]));
  const before = read();
  return {
    stop(): Record<string, number> {
      const after = read();
      return Object.fromEntries(Object.keys(after).map((name) => [name, after[name]! - before[name]!]));
    },
  };
}

/** All CPU time the machine spent busy and in all, in ms (/proc/stat), whoever used it. */
function machineTimes(): { busy: number; total: number } {
  const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0) * TICK_MS;
  const idle = (fields[3]! + fields[4]!) * TICK_MS;
  return { busy: total - idle, total };
}

/** The machine's busy CPU ms and capacity (cores × wall time) between the call and `stop()`. */
export function machineMeter() {
  const before = machineTimes();
  return {
    stop() {
      const after = machineTimes();
      return { busyMs: after.busy - before.busy, capacityMs: after.total - before.total };
    },
  };
}

const BACKGROUND = ["autovacuum", "walwriter", "checkpointer", "background writer", "io worker", "wal"];

/** What a PostgreSQL process is, from the title it sets: a client backend or one of the background kinds. */
function postgresKind(pid: number): string {
  let title = "";
  try {
    title = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    return "backends";
  }
  const kind = BACKGROUND.find((name) => title.includes(`postgres: ${name}`));
  return kind === "wal" ? "walwriter" : (kind ?? (title.includes("postgres: ") ? "backends" : "postmaster"));
}

/**
 * CPU ms of a PostgreSQL server's processes by kind between the call and
 * `stop()`: client backends, autovacuum, WAL writer, checkpointer, I/O
 * workers… Processes that exited in between (short-lived autovacuum workers,
 * closed connections) count as "exited", from what the postmaster reaped.
 */
export function postgresMeter(postmaster: number) {
  const read = () => {
    const byPid = new Map<number, { kind: string; ms: number }>();
    for (const pid of processTree(postmaster)) {
      const times = timesOf(pid);
      if (!times) continue;
      byPid.set(pid, { kind: pid === postmaster ? "postmaster" : postgresKind(pid), ms: times.self });
    }
    return { byPid, reaped: timesOf(postmaster)?.reaped ?? 0 };
  };
  const before = read();
  return {
    stop(): Record<string, number> {
      const after = read();
      const kinds: Record<string, number> = {};
      const add = (kind: string, ms: number) => (kinds[kind] = (kinds[kind] ?? 0) + ms);
      for (const [pid, now] of after.byPid) add(now.kind, now.ms - (before.byPid.get(pid)?.ms ?? 0));
      let exitedBefore = 0;
      for (const [pid, then] of before.byPid) if (!after.byPid.has(pid)) exitedBefore += then.ms;
      add("exited", Math.max(0, after.reaped - before.reaped - exitedBefore));
      return kinds;
    },
  };
}
