import "server-only";
import Stripe from "stripe";
import { rawSql } from "@/db";
import type { RunKind } from "@/db/schema";
import { unsettledEventCount } from "@/lib/events/known";
import { log } from "@/lib/log";
import { liveWorkerCount } from "@/lib/processing/liveness";
import { fetchMangopayResource } from "@/lib/providers/mangopay/api";
import { createStripeClient } from "@/lib/providers/stripe/client";
import { normaliseStripeEvent } from "@/lib/providers/stripe/normalise";
import type { NormalisedEvent, ProviderName } from "@/lib/providers/types";
import { findAdyenDifferences } from "./adyen/match";
import { pullAdyenReport } from "./adyen/pull";
import { feeScheduleForMatching } from "./fee-schedules";
import { pullGeneric } from "./generic/pull";
import { findMangopayDifferences } from "./mangopay/match";
import { mangopayHookEvent, stageMissedMangopayHooks } from "./mangopay/recover";
import { matchRun, type Finders, type MatchInput } from "./match";
import { recoverMissedEvents } from "./recover";
import { withRetry } from "./retry";
import { LEASE_SECONDS, trackRunProgress, type RunProgressTracker } from "./run-progress";
import { findStripeDifferences } from "./stripe/find";
import { pullStripe } from "./stripe/pull";

/**
 * How far past a MangoPay run's period its event list is read. Only resources
 * created in the period are compared; the rest of what this stages is context.
 */
export const MANGOPAY_EVENT_LAG_MS = 60 * 60_000;

/** How long a run waits for webhooks already received to be applied before it compares books. */
export const INBOX_WAIT_MS = 120_000;

type ClaimedRun = {
  id: number;
  provider: ProviderName;
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
  inboxWaitMs = INBOX_WAIT_MS,
}: {
  holder: string;
  stripeClient?: Stripe;
  inboxWaitMs?: number;
}): Promise<number> {
  let executed = 0;
  for (;;) {
    const run = await claimNextRun({ holder });
    if (!run) return executed;
    await executeRun({ run, holder, stripeClient, inboxWaitMs });
    executed += 1;
  }
}

/** How each provider's books are pulled, compared and (where it lists events) recovered from. */
type ProviderBooks = {
  pull: (args: { run: ClaimedRun; from: Date; to: Date; tracker: RunProgressTracker }) => Promise<void>;
  finders: Finders;
  existsAtProvider?: MatchInput["existsAtProvider"];
  recoverable?: (payload: Record<string, unknown>) => NormalisedEvent | null;
};

function providerBooks(provider: ProviderName, stripeClient?: Stripe): ProviderBooks {
  const progress = (tracker: RunProgressTracker) => (update: Parameters<RunProgressTracker["update"]>[0]) =>
    tracker.update(update);
  switch (provider) {
    case "stripe": {
      const client = stripeClient ?? createStripeClient();
      return {
        pull: ({ run, from, to, tracker }) =>
          pullStripe({ runId: run.id, from, to, kind: run.kind, progress: progress(tracker), client }),
        finders: findStripeDifferences,
        existsAtProvider: (candidate) => stripeObjectExists(client, candidate),
        recoverable: (payload) => {
          const result = normaliseStripeEvent(payload);
          return result.ok ? result.event : null;
        },
      };
    }
    case "mangopay":
      return {
        pull: async ({ run, from, to, tracker }) => {
          // MangoPay lists resources by their events' dates, and records an event a moment after
          // the change: a resource created in the period's last seconds is first listed after it.
          const listedTo = new Date(to.getTime() + MANGOPAY_EVENT_LAG_MS);
          await pullGeneric({
            runId: run.id,
            provider: run.provider,
            from,
            to: listedTo,
            progress: progress(tracker),
          });
          if (run.kind !== "settlement" && run.kind !== "fees")
            await stageMissedMangopayHooks({
              runId: run.id,
              from,
              to: listedTo,
              progress: progress(tracker),
            });
        },
        finders: findMangopayDifferences,
        existsAtProvider: mangopayResourceExists,
        recoverable: mangopayHookEvent,
      };
    case "adyen":
      return {
        pull: ({ run, from, to, tracker }) =>
          pullAdyenReport({ runId: run.id, from, to, progress: progress(tracker) }),
        finders: findAdyenDifferences,
      };
  }
}

/**
 * One run, in stages its progress shows: pull the provider's books into
 * staging; wait for webhooks we already hold to be applied (so an event still
 * in the queue is not taken for a missed one); match and fold into
 * discrepancies in one transaction; then recover the events the provider
 * lists that never reached us, for the objects matching found missing or behind.
 */
async function executeRun({
  run,
  holder,
  stripeClient,
  inboxWaitMs,
}: {
  run: ClaimedRun;
  holder: string;
  stripeClient?: Stripe;
  inboxWaitMs: number;
}) {
  const sql = rawSql();
  const tracker = trackRunProgress({ runId: run.id, holder });
  const { progress } = tracker;
  try {
    // A run taken over from a dead worker starts its staging afresh.
    await sql`delete from reconciliation_staged where run_id = ${run.id}`;
    await tracker.stage("pulling");
    const from = new Date(run.period_from);
    const to = new Date(run.period_to);
    const books = providerBooks(run.provider, stripeClient);
    await books.pull({ run, from, to, tracker });

    await waitForInbox({ provider: run.provider, maxWaitMs: inboxWaitMs, tracker });

    await tracker.stage("matching");
    const result = await matchRun(
      sql,
      {
        runId: run.id,
        provider: run.provider,
        kind: run.kind,
        from: from.toISOString(),
        to: to.toISOString(),
        feeSchedule: await feeScheduleForMatching({ provider: run.provider }),
        existsAtProvider: books.existsAtProvider,
        finders: books.finders,
      },
      ({ done, total, label }) => tracker.update({ step: label, done, total }),
    );
    progress.matched = result.matched;

    if (books.recoverable) {
      await tracker.stage("recovering");
      progress.eventsRecovered = await recoverMissedEvents({
        runId: run.id,
        provider: run.provider,
        normalise: books.recoverable,
        onStep: (step) => tracker.update(step),
      });
    }
    progress.phase = "done";
    progress.step = null;
    await sql`
      update reconciliation_runs set status = 'succeeded', finished_at = now(), locked_until = null,
        progress = ${JSON.stringify(progress)}::jsonb, counts = ${JSON.stringify(result.counts)}::jsonb,
        outcome = ${JSON.stringify({ ...result.outcome, recovered_events: progress.eventsRecovered })}::jsonb
      where id = ${run.id} and locked_by = ${holder}`;
    log.info(
      { runId: run.id, counts: result.counts, outcome: result.outcome },
      "reconciliation run succeeded",
    );
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

/**
 * Webhooks received before the comparison but not yet applied would look
 * missing from our books. While a worker is alive, wait (bounded) until
 * those received so far are settled; with none alive there is nothing to
 * wait for, and the findings' events show what is still queued.
 */
async function waitForInbox({
  provider,
  maxWaitMs,
  tracker,
}: {
  provider: string;
  maxWaitMs: number;
  tracker: RunProgressTracker;
}) {
  const before = new Date();
  const unsettled = () => unsettledEventCount({ provider, before, dueWithinSeconds: 5 });
  const initial = await unsettled();
  if (initial === 0 || maxWaitMs <= 0 || (await liveWorkerCount({ withinSeconds: 30 })) === 0) return;
  await tracker.stage("waiting", { step: "webhooks being applied", done: 0, total: initial });
  const deadline = Date.now() + maxWaitMs;
  for (let left = initial; left > 0 && Date.now() < deadline; left = await unsettled()) {
    await tracker.update({ done: initial - left });
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Only a 404 from MangoPay's API makes a resource we hold missing there: its events may lie outside the run. */
async function mangopayResourceExists({ objectType, objectId }: { objectType: string; objectId: string }) {
  const kind =
    objectType === "payout" || objectType === "refund" || objectType === "dispute" ? objectType : "payin";
  return (await fetchMangopayResource(kind, objectId)).found;
}

async function stripeObjectExists(
  client: Stripe,
  { objectType, objectId }: { objectType: string; objectId: string },
): Promise<boolean> {
  try {
    if (objectType === "payout") await withRetry(() => client.payouts.retrieve(objectId));
    else if (objectType === "refund") await withRetry(() => client.refunds.retrieve(objectId));
    else if (objectType === "dispute") await withRetry(() => client.disputes.retrieve(objectId));
    else if (objectId.startsWith("ch_") || objectType === "charge")
      await withRetry(() => client.charges.retrieve(objectId));
    else await withRetry(() => client.paymentIntents.retrieve(objectId));
    return true;
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError && error.statusCode === 404) return false;
    throw error;
  }
}
