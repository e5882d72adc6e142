/**
 * Loaded with `node --import` into a server under test (never into
 * production). It watches what the process itself cannot report from
 * outside, between two SIGUSR2 signals the bench sends around a phase:
 *
 * - event-loop delay (perf_hooks.monitorEventLoopDelay, 10 ms resolution);
 * - garbage-collection pauses (PerformanceObserver "gc" entries);
 * - the main thread's scheduling (/proc/self/schedstat and status): time on
 *   a CPU, time runnable but waiting for one, and context switches, which
 *   tell a sampling profile's wall time apart from CPU time;
 * - when the bench asks for it (a `profile-window` file in the probe
 *   directory), a CPU profile of exactly that window.
 *
 * On the second signal it writes `<BENCH_PROBE_DIR>/<pid>.json` (and the
 * `.cpuprofile` beside it), then waits for the next first signal.
 * Plain JavaScript, so it loads the same into `next start` and tsx scripts.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import path from "node:path";
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";

const probeDir = process.env.BENCH_PROBE_DIR;
const RESOLUTION_MS = 10;

/** The main thread's CPU and run-queue time (ns) and context switches; zeros where /proc has none. */
function scheduling() {
  try {
    const [onCpu, waiting] = readFileSync("/proc/self/schedstat", "utf8").split(" ").map(Number);
    const status = readFileSync("/proc/self/status", "utf8");
    const count = (name) => Number(new RegExp(`^${name}:\\s*(\\d+)`, "m").exec(status)?.[1] ?? 0);
    return {
      onCpu,
      waiting,
      voluntary: count("voluntary_ctxt_switches"),
      involuntary: count("nonvoluntary_ctxt_switches"),
    };
  } catch {
    return { onCpu: 0, waiting: 0, voluntary: 0, involuntary: 0 };
  }
}

if (probeDir) {
  let window = null;

  const begin = async () => {
    const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    delay.enable();
    const pauses = [];
    const started = performance.now();
    // Pauses of 10 ms or more, with when they began: a stall in the load lines up with them.
    const longPauses = [];
    const gc = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        pauses.push(entry.duration);
        if (entry.duration >= 10)
          longPauses.push([
            Math.round(entry.startTime - started),
            Math.round(entry.duration),
            entry.detail?.kind ?? 0,
          ]);
      }
    });
    gc.observe({ entryTypes: ["gc"] });
    let session = null;
    if (existsSync(path.join(probeDir, "profile-window"))) {
      session = new Session();
      session.connect();
      await session.post("Profiler.enable");
      await session.post("Profiler.setSamplingInterval", { interval: 500 });
      await session.post("Profiler.start");
    }
    // The worst lateness of a 20 ms timer in each half second of the window: when the loop stalled.
    const lagBySlice = [];
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      const slice = Math.floor((now - started) / 500);
      lagBySlice[slice] = Math.max(lagBySlice[slice] ?? 0, Math.round(now - last - 20));
      last = now;
    }, 20);
    ticker.unref();
    window = {
      delay,
      gc,
      pauses,
      longPauses,
      lagBySlice,
      ticker,
      session,
      started,
      sched: scheduling(),
      label: "",
    };
  };

  const end = async () => {
    const { delay, gc, pauses, longPauses, lagBySlice, ticker, session, started, sched } = window;
    clearInterval(ticker);
    const schedNow = scheduling();
    window = null;
    delay.disable();
    gc.disconnect();
    const ms = (ns) => ns / 1e6;
    pauses.sort((a, b) => a - b);
    const result = {
      pid: process.pid,
      seconds: (performance.now() - started) / 1000,
      // The histogram holds whole sampling intervals; the delay is what exceeds the interval.
      loopDelay: {
        p50: Math.max(0, ms(delay.percentile(50)) - RESOLUTION_MS),
        p99: Math.max(0, ms(delay.percentile(99)) - RESOLUTION_MS),
        max: Math.max(0, ms(delay.max) - RESOLUTION_MS),
      },
      gc: {
        count: pauses.length,
        totalMs: pauses.reduce((sum, pause) => sum + pause, 0),
        maxMs: pauses.at(-1) ?? 0,
      },
      timeline: { lagBySlice: Array.from(lagBySlice, (lag) => lag ?? 0), longGc: longPauses },
      sched: {
        onCpuMs: ms(schedNow.onCpu - sched.onCpu),
        waitMs: ms(schedNow.waiting - sched.waiting),
        voluntary: schedNow.voluntary - sched.voluntary,
        involuntary: schedNow.involuntary - sched.involuntary,
      },
    };
    if (session) {
      const { profile } = await session.post("Profiler.stop");
      session.disconnect();
      const file = path.join(probeDir, `${process.pid}-${Date.now()}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      result.profile = file;
    }
    // Written whole, then renamed: the bench never reads half a report.
    const file = path.join(probeDir, `${process.pid}.json`);
    writeFileSync(`${file}.tmp`, JSON.stringify(result));
    renameSync(`${file}.tmp`, file);
  };

  let busy = Promise.resolve();
  process.on("SIGUSR2", () => {
    busy = busy.then(() => (window ? end() : begin())).catch((error) => console.error("[probe]", error));
  });
}
