import "server-only";
import { monitoringJobs } from "@/lib/monitoring/jobs";
import { reconciliationJobs } from "@/lib/reconciliation/jobs";
import { rollupJobs } from "@/lib/rollups/jobs";
import type { PeriodicJob } from "./runner";

/** Every periodic job a worker process runs. Each domain adds its jobs here. */
export function periodicJobs(): PeriodicJob[] {
  return [...monitoringJobs(), ...reconciliationJobs(), ...rollupJobs()];
}
