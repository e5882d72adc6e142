import "server-only";
import type { PeriodicJob } from "@/lib/jobs/runner";
import { log } from "@/lib/log";
import { refreshRollups } from "./refresh";

// Short, so dirty minutes and the raw tail the dashboard reads stay small.
export const ROLLUP_REFRESH_INTERVAL_MS = 5_000;

/** The rollup refresher; the lease keeps it to one process, the advisory lock covers any overlap. */
export function rollupJobs(): PeriodicJob[] {
  return [
    {
      name: "rollups.refresh",
      intervalMs: ROLLUP_REFRESH_INTERVAL_MS,
      singleton: true,
      run: async () => {
        const result = await refreshRollups();
        if (result.dirtyMinutes > 0 || result.absorbed > 0) log.debug(result, "rollups refreshed");
      },
    },
  ];
}
