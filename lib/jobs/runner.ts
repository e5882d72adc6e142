import "server-only";
import { log } from "@/lib/log";
import { acquireLease, recordJobRun } from "./lease";

export type PeriodicJob = {
  name: string;
  intervalMs: number;
  /** Runs in one process at a time across the deployment (lease-guarded). */
  singleton: boolean;
  run: (context: { holder: string }) => Promise<void>;
};

/** Runs each job every `intervalMs` until stopped; a failing run is logged and retried next tick. */
export function startJobs({ jobs, holder }: { jobs: readonly PeriodicJob[]; holder: string }) {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<void>>();
  let stopped = false;

  for (const job of jobs) {
    let busy = false;
    const tick = async () => {
      if (stopped || busy) return;
      busy = true;
      try {
        if (job.singleton && !(await acquireLease({ name: job.name, holder, ttlMs: job.intervalMs * 3 })))
          return;
        await job.run({ holder });
        if (job.singleton) await recordJobRun({ name: job.name });
      } catch (err) {
        log.error({ err, job: job.name }, "periodic job failed");
        if (job.singleton) await recordJobRun({ name: job.name, error: String(err) }).catch(() => {});
      } finally {
        busy = false;
      }
    };
    const launch = () => {
      const promise = tick();
      running.add(promise);
      void promise.finally(() => running.delete(promise));
    };
    timers.push(setInterval(launch, job.intervalMs));
    setTimeout(launch, 1_000).unref();
  }

  return {
    stop: async () => {
      stopped = true;
      for (const timer of timers) clearInterval(timer);
      await Promise.allSettled([...running]);
    },
  };
}
