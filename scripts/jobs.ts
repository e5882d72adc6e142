/**
 * Every periodic job a Tally worker runs. The list lives with the process
 * entry points (`npm start`, `npm run worker`), the one place that knows
 * every domain: the worker itself sits below reconciliation, monitoring and
 * the rollups and imports none of them.
 */
import type { PeriodicJob } from "../lib/jobs/runner";
import { monitoringJobs } from "../lib/monitoring/jobs";
import { reconciliationJobs } from "../lib/reconciliation/jobs";
import { rollupJobs } from "../lib/events/rollups/jobs";

export function periodicJobs(): PeriodicJob[] {
  return [...monitoringJobs(), ...reconciliationJobs(), ...rollupJobs()];
}
