import { readdirSync, readFileSync } from "node:fs";

/** Linux reports process CPU in clock ticks of 1/100 s (USER_HZ). */
const TICK_MS = 10;

type Times = { self: number; reaped: number };

function timesOf(pid: number): Times | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name, which may itself hold spaces.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((index) => Number(fields[index]));
    return { self: (utime! + stime!) * TICK_MS, reaped: (cutime! + cstime!) * TICK_MS };
  } catch {
    return null;
  }
}

function parentOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return -1;
  }
}

/** The process and every live descendant of it. */
export function processTree(root: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const parent = parentOf(pid);
    parents.set(parent, [...(parents.get(parent) ?? []), pid]);
  }
  const tree: number[] = [];
  const visit = (pid: number) => {
    tree.push(pid);
    for (const child of parents.get(pid) ?? []) visit(child);
  };
  visit(root);
  return tree;
}

/**
 * CPU milliseconds (user + system) a process tree has used so far: every
 * live process in it plus what its exited children used (the kernel adds a
 * reaped child's time to its parent), so a PostgreSQL backend that exits
 * between two readings is still counted.
 */
export function treeCpuMs(root: number): number {
  let total = 0;
  for (const pid of processTree(root)) {
    const times = timesOf(pid);
    if (times) total += times.self + times.reaped;
  }
  return total;
}

/** This process's own CPU milliseconds (the load generator). */
export const ownCpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

export type CpuGroups = Record<string, () => number[]>;

/**
 * Measures CPU per group of processes (e.g. web, worker, postgres) between
 * `start` and `stop`. Each group names its root pids, read at both ends.
 */
export function cpuMeter(groups: Record<string, () => number[]>) {
  const read = () => {
    const totals: Record<string, number> = { load: ownCpuMs() };
    for (const [name, roots] of Object.entries(groups))
      totals[name] = roots().reduce((sum, pid) => sum + treeCpuMs(pid), 0);
    return totals;
  };
  const before = read();
  return {
    /** CPU milliseconds each group used since the meter was made. */
    stop(): Record<string, number> {
      const after = read();
      return Object.fromEntries(Object.keys(after).map((name) => [name, after[name]! - (before[name] ?? 0)]));
    },
  };
}
