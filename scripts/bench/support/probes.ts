import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** What probe-preload.mjs reports for one process and one window. */
export type ProcessProbe = {
  pid: number;
  seconds: number;
  loopDelay: { p50: number; p99: number; max: number };
  gc: { count: number; totalMs: number; maxMs: number };
  /** The main thread: ms on a CPU, ms runnable but waiting for one, context switches. */
  sched?: { onCpuMs: number; waitMs: number; voluntary: number; involuntary: number };
  /** Per half second of the window: the event loop's worst lateness; and GC pauses ≥ 10 ms as [ms after the start, ms, kind]. */
  timeline?: { lagBySlice: number[]; longGc: [number, number, number][] };
  profile?: string;
};

/** Where the probes in this run's servers write their reports (and CPU profiles). */
export const PROBE_DIR = path.join(os.tmpdir(), `tally-bench-probes-${process.pid}`);
export const PROBE_PRELOAD = path.join(import.meta.dirname, "probe-preload.mjs");
/** While this file exists, every window opened also records a CPU profile. */
const PROFILE_FLAG = path.join(PROBE_DIR, "profile-window");

mkdirSync(PROBE_DIR, { recursive: true });

export function removeProbes(): void {
  if (!process.env.BENCH_KEEP_PROBES) rmSync(PROBE_DIR, { recursive: true, force: true });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Opens a window in each process (SIGUSR2 to the probe) and returns a
 * function that closes them and reads what each one saw. Only for processes
 * started with `probeSetup`: SIGUSR2 ends a process that has no probe.
 */
export function probeWindow(pids: number[], { profile = false } = {}): () => Promise<ProcessProbe[]> {
  if (profile) writeFileSync(PROFILE_FLAG, "");
  else rmSync(PROFILE_FLAG, { force: true });
  const fileOf = (pid: number) => path.join(PROBE_DIR, `${pid}.json`);
  // Each window's report replaces the file, so a stale one is removed first.
  for (const pid of pids) rmSync(fileOf(pid), { force: true });
  for (const pid of pids) process.kill(pid, "SIGUSR2");
  return async () => {
    for (const pid of pids) process.kill(pid, "SIGUSR2");
    const results: ProcessProbe[] = [];
    for (const pid of pids) {
      // Writing a CPU profile of a large process takes a while.
      for (let wait = 0; wait < 300 && !existsSync(fileOf(pid)); wait++) await sleep(100);
      if (existsSync(fileOf(pid)))
        results.push(JSON.parse(readFileSync(fileOf(pid), "utf8")) as ProcessProbe);
    }
    return results;
  };
}
