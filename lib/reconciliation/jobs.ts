import "server-only";
import { systemPrincipal } from "@/lib/auth/principal";
import { config } from "@/lib/config";
import { claimScheduleOccurrence } from "@/lib/jobs/lease";
import type { PeriodicJob } from "@/lib/jobs/runner";
import { rawSql } from "@/db";
import { processQueuedRuns } from "./execute";
import { enqueueRun } from "./runs";
import { dueOccurrences } from "./schedule";
import { verifyRecentlyProcessed } from "./verify";

/** Providers whose books can be pulled with the configured credentials. */
function configuredProviders(): string[] {
  const c = config();
  const providers: string[] = [];
  if (c.STRIPE_SECRET_KEY) providers.push("stripe");
  if (c.MANGOPAY_CLIENT_ID && c.MANGOPAY_API_KEY) providers.push("mangopay");
  return providers;
}

/** Scheduled runs start a little after midnight UTC, once the day's late webhooks have landed. */
const SCHEDULE_DELAY_MS = 15 * 60_000;
/** Scheduled runs' staging feeds the settlement report; ad-hoc runs' is only needed briefly. */
const KEEP_SCHEDULED_STAGING_DAYS = 62;
const KEEP_STAGING_DAYS = 2;

export async function enqueueDueSchedules({ holder, now = new Date() }: { holder: string; now?: Date }) {
  const enqueued: string[] = [];
  const due = dueOccurrences(new Date(now.getTime() - SCHEDULE_DELAY_MS));
  for (const provider of configuredProviders()) {
    for (const occurrence of due) {
      const key = `reconciliation:${provider}:${occurrence.key}`;
      if (!(await claimScheduleOccurrence({ key, holder }))) continue;
      await enqueueRun({
        principal: systemPrincipal("scheduler"),
        provider,
        from: occurrence.from,
        to: occurrence.to,
        kind: occurrence.kind,
        schedule: occurrence.key,
      });
      enqueued.push(key);
    }
  }
  return enqueued;
}

export function reconciliationJobs(): PeriodicJob[] {
  const jobs: PeriodicJob[] = [
    {
      // Any process may execute runs: claiming is per run (SKIP LOCKED), so several share the queue.
      name: "reconciliation-runs",
      intervalMs: 2_000,
      singleton: false,
      run: async ({ holder }) => {
        await processQueuedRuns({ holder });
      },
    },
    {
      name: "reconciliation-schedule",
      intervalMs: 60_000,
      singleton: false,
      run: async ({ holder }) => {
        await enqueueDueSchedules({ holder });
        const sql = rawSql();
        await sql`
          delete from reconciliation_staged where run_id in (
            select id from reconciliation_runs
            where finished_at < now() - make_interval(days => ${KEEP_STAGING_DAYS})
              and (schedule is null or schedule not similar to '(daily|weekly|monthly):%'
                or finished_at < now() - make_interval(days => ${KEEP_SCHEDULED_STAGING_DAYS})))`;
      },
    },
  ];
  if (config().VERIFY_VIA_API) {
    jobs.push({
      name: "reconciliation-verify-api",
      intervalMs: 30_000,
      singleton: true,
      run: async () => {
        await verifyRecentlyProcessed({ sinceSeconds: 120 });
      },
    });
  }
  return jobs;
}
