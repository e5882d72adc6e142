import "server-only";
import type { PeriodicJob } from "@/lib/jobs/runner";
import { log } from "@/lib/log";
import { evaluateAlerts } from "./evaluate";
import { runRetention } from "./retention";

export const ALERT_EVALUATION_INTERVAL_MS = 15_000;

/** Monitoring's periodic jobs; each runs in one process at a time across the deployment. */
export function monitoringJobs(): PeriodicJob[] {
  return [
    {
      name: "monitoring.alerts",
      intervalMs: ALERT_EVALUATION_INTERVAL_MS,
      singleton: true,
      run: async () => {
        const result = await evaluateAlerts();
        if (result.opened || result.resolved || result.posted) log.info(result, "alerts evaluated");
      },
    },
    { name: "monitoring.retention", intervalMs: 10 * 60_000, singleton: true, run: runRetention },
  ];
}
