import "server-only";
import Stripe from "stripe";
import { rawSql } from "@/db";
import type { RunKind, RunProgress } from "@/db/schema";
import { log } from "@/lib/log";
import { createStripeClient } from "@/lib/providers/stripe/client";
import { feeScheduleForMatching } from "./fee-schedules";
import { matchRun } from "./match";
import { findAdyenDifferences, ADYEN_REPORT_KINDS } from "./adyen/match";
import { pullAdyenReport } from "./adyen/pull";
import { pullGeneric } from "./generic/pull";
import { findMangopayDifferences, MANGOPAY_KINDS } from "./mangopay/match";
import { recoverMissedMangopayHooks } from "./mangopay/recover";
import { withRetry } from "./retry";
import { pullStripe } from "./stripe/pull";

/** Webhooks for objects created in the last few minutes may still be in flight: the next run takes them. */
export const SETTLE_MARGIN_MS = 5 * 60_000;
const LEASE_SECONDS = 120;

type ClaimedRun = {
  id: number;
  provider: string;
  kind: RunKind;
  period_from: Date;
  period_to: Date;
};

/**
 * Claims the oldest queued run (or one whose worker stopped renewing its
 * lease) so exactly one process executes it.
 */
export async function claimNextRun({ holder }: { holder: string }): Promise<ClaimedRun | null> {
  const sql = rawSql();
  const [run] = await sql<ClaimedRun[]>`
    update reconciliation_runs set status = 'running', locked_by = ${holder},
      locked_until = now() + make_interval(secs => ${LEASE_SECONDS}),
      started_at = now(), error = null
    where id = (
      select id from reconciliation_runs
      where status = 'queued' or (status = 'running' and locked_until < now())
      order by id
      for update skip locked
      limit 1
    )
    returning id, provider, kind, period_from, period_to`;
  return run ?? null;
}

/** Executes queued runs until none is left. */
export async function processQueuedRuns({
  holder,
  stripeClient,
  settleMarginMs = SETTLE_MARGIN_MS,
}: {
  holder: string;
  stripeClient?: Stripe;
  settleMarginMs?: number;
}): Promise<number> {
  let executed = 0;
  for (;;) {
    const run = await claimNextRun({ holder });
    if (!run) return executed;
    await executeRun({ run, holder, stripeClient, settleMarginMs });
    executed += 1;
  }
}

async function executeRun({
  run,
  holder,
  stripeClient,
  settleMarginMs,
}: {
  run: ClaimedRun;
  holder: string;
  stripeClient?: Stripe;
  settleMarginMs: number;
}) {
  const sql = rawSql();
  const progress: RunProgress = {
    phase: "pulling",
    pagesFetched: 0,
    recordsStaged: 0,
    matched: 0,
    eventsRecovered: 0,
  };
  const save = async () => {
    await sql`
      update reconciliation_runs set progress = ${JSON.stringify(progress)}::jsonb,
        locked_until = now() + make_interval(secs => ${LEASE_SECONDS})
      where id = ${run.id} and locked_by = ${holder}`;
  };

  try {
    // A run taken over from a dead worker starts its staging afresh.
    await sql`delete from reconciliation_staged where run_id = ${run.id}`;
    await save();
    const from = new Date(run.period_from);
    const settledUntil = new Date(Math.min(new Date(run.period_to).getTime(), Date.now() - settleMarginMs));
    const to = settledUntil > from ? settledUntil : from;
    const onPage = async (delta: { pages: number; staged: number; recovered?: number }) => {
      progress.pagesFetched += delta.pages;
      progress.recordsStaged += delta.staged;
      progress.eventsRecovered += delta.recovered ?? 0;
      await save();
    };

    let existsAtProvider: ((c: { objectType: string; objectId: string }) => Promise<boolean>) | undefined;
    if (run.provider === "stripe") {
      const client = stripeClient ?? createStripeClient();
      await pullStripe({ runId: run.id, from, to, kind: run.kind, progress: onPage, client });
      existsAtProvider = (candidate) => stripeObjectExists(client, candidate);
    } else if (run.provider === "adyen") {
      await pullAdyenReport({ runId: run.id, from, to, progress: onPage });
    } else {
      await pullGeneric({ runId: run.id, provider: run.provider, from, to, progress: onPage });
      if (run.provider === "mangopay")
        await recoverMissedMangopayHooks({ runId: run.id, from, to, progress: onPage });
    }
    const findings =
      run.provider === "adyen"
        ? { kinds: ADYEN_REPORT_KINDS, find: findAdyenDifferences }
        : run.provider === "mangopay"
          ? { kinds: MANGOPAY_KINDS, find: findMangopayDifferences }
          : undefined;

    progress.phase = "matching";
    await save();
    const result = await matchRun(sql, {
      runId: run.id,
      provider: run.provider,
      kind: run.kind,
      from: from.toISOString(),
      to: to.toISOString(),
      feeSchedule: await feeScheduleForMatching({ provider: run.provider }),
      existsAtProvider,
      findings,
    });
    progress.phase = "done";
    progress.matched = result.matched;
    await sql`
      update reconciliation_runs set status = 'succeeded', finished_at = now(), locked_until = null,
        progress = ${JSON.stringify(progress)}::jsonb, counts = ${JSON.stringify(result.counts)}::jsonb
      where id = ${run.id} and locked_by = ${holder}`;
    log.info({ runId: run.id, counts: result.counts }, "reconciliation run succeeded");
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.error({ err: error, runId: run.id }, "reconciliation run failed");
    progress.phase = "failed";
    await sql`
      update reconciliation_runs set status = 'failed', finished_at = now(), locked_until = null,
        error = ${message.slice(0, 2000)}, progress = ${JSON.stringify(progress)}::jsonb
      where id = ${run.id} and locked_by = ${holder}`;
  }
}

async function stripeObjectExists(
  client: Stripe,
  { objectType, objectId }: { objectType: string; objectId: string },
): Promise<boolean> {
  try {
    if (objectType === "payout") await withRetry(() => client.payouts.retrieve(objectId));
    else if (objectId.startsWith("ch_")) await withRetry(() => client.charges.retrieve(objectId));
    else await withRetry(() => client.paymentIntents.retrieve(objectId));
    return true;
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError && error.statusCode === 404) return false;
    throw error;
  }
}
