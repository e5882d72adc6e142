import "server-only";
import Stripe from "stripe";
import { rawSql } from "@/db";
import type { RunKind } from "@/db/schema";
import { knownEventIds } from "@/lib/events/known";
import { createStripeClient } from "@/lib/providers/stripe/client";
import { withRetry } from "../retry";
import { stageRows, type PullInput, type PullProgress, type StagedRow } from "../stage";
import {
  balanceTransactionRow,
  chargeRow,
  disputeRow,
  eventRow,
  paymentIntentRow,
  payoutRow,
  refundRow,
} from "./map";

type ListPage<T> = { data: T[]; has_more: boolean };
type Lister<T> = (params: {
  limit: number;
  starting_after?: string;
  created?: { gte: number; lt: number };
}) => Promise<ListPage<T>>;

/** Charges fetched one by one for the totals of payments whose charges fall outside the period. */
const MAX_LINKED_FETCHES = 2_000;
/** Events about a period's objects trail them: a payment succeeds after it is created, a payout is paid days later. */
const EVENT_TRAIL_MS = 7 * 24 * 3600_000;

/**
 * Walks one Stripe list to its end, page by page, each page retried on
 * 429/5xx and handed to `onPage` before the next is fetched.
 */
async function eachPage<T extends { id: string }>(
  list: Lister<T>,
  params: { created?: { gte: number; lt: number } },
  onPage: (items: T[]) => Promise<void>,
) {
  let startingAfter: string | undefined;
  for (;;) {
    const page = await withRetry(() =>
      list({ ...params, limit: 100, ...(startingAfter ? { starting_after: startingAfter } : {}) }),
    );
    if (page.data.length > 0) await onPage(page.data);
    if (!page.has_more || page.data.length === 0) return;
    // An API that ignores `starting_after` would hand back the same page for ever.
    if (page.data.at(-1)!.id === startingAfter)
      throw new Error(
        `The Stripe API returned the page after ${startingAfter} again: it ignores starting_after`,
      );
    startingAfter = page.data.at(-1)!.id;
  }
}

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
const isNotFound = (error: unknown) => error instanceof Stripe.errors.StripeError && error.statusCode === 404;

/**
 * Pulls Stripe's books for [from, to) into the run's staging rows: every
 * list by `created`, each automatic payout's own transactions, the charges
 * that payments and refunds of the period point at but that were created
 * outside it, and the events we never received (staged with their payload,
 * not yet ingested: matching first decides which objects they concern).
 */
export async function pullStripe({
  runId,
  from,
  to,
  kind,
  progress,
  client,
}: PullInput & { kind: RunKind; client?: Stripe }) {
  const api = client ?? createStripeClient();
  const created = { gte: seconds(from), lt: seconds(to) };

  const list = async <T extends { id: string }>(
    step: string,
    lister: Lister<T>,
    params: { created?: { gte: number; lt: number } },
    toRow: (item: T) => StagedRow,
  ) => {
    await progress({ step });
    await eachPage(lister, params, async (items) => {
      const staged = await stageRows({ runId, rows: items.map(toRow) });
      await progress({ pages: 1, staged });
    });
  };

  await list(
    "balance transactions",
    (p) => api.balanceTransactions.list(p),
    { created },
    (txn) => balanceTransactionRow(txn),
  );
  await list("charges", (p) => api.charges.list(p), { created }, chargeRow);
  await list("payouts", (p) => api.payouts.list(p), { created }, payoutRow);
  if (kind !== "settlement") {
    await list("payment intents", (p) => api.paymentIntents.list(p), { created }, paymentIntentRow);
    await list("refunds", (p) => api.refunds.list(p), { created }, refundRow);
    await list("disputes", (p) => api.disputes.list(p), { created }, disputeRow);
  }

  // Each automatic payout's own listing links the transactions it paid out (some older than the period).
  const sql = rawSql();
  const payouts = await sql<{ object_id: string }[]>`
    select object_id from reconciliation_staged
    where run_id = ${runId} and object_type = 'payout' and automatic`;
  await progress({ step: "payout transactions" });
  for (const { object_id: payoutId } of payouts) {
    await eachPage(
      (p) => api.balanceTransactions.list({ ...p, payout: payoutId }),
      {},
      async (items) => {
        const staged = await stageRows({
          runId,
          rows: items.map((txn) => balanceTransactionRow(txn, payoutId)),
        });
        await progress({ pages: 1, staged });
      },
    );
  }

  if (kind !== "settlement") await fetchLinkedCharges({ runId, api, progress });
  if (kind !== "settlement" && kind !== "fees") await stageMissedEvents({ runId, api, from, to, progress });
  await linkToPaymentIntents({ runId });
}

/**
 * Refunds and disputes (and events about them) that name only their charge —
 * older API versions leave `payment_intent` out — belong to the charge's
 * payment intent, so they are matched and recovered with that payment.
 */
async function linkToPaymentIntents({ runId }: { runId: number }) {
  await rawSql()`
    update reconciliation_staged s set payment_intent_id = c.payment_intent_id
    from reconciliation_staged c
    where s.run_id = ${runId} and s.object_type in ('refund', 'dispute', 'event')
      and s.payment_intent_id is null and s.charge_id is not null
      and c.run_id = ${runId} and c.object_type = 'charge' and c.object_id = s.charge_id
      and c.payment_intent_id is not null`;
}

/**
 * A payment's refunded total and dispute flag live on its charges. A payment
 * intent of the period whose latest charge was created after it, or a refund
 * or dispute of the period on an older payment, points at a charge the lists
 * did not return: those are retrieved one by one.
 */
async function fetchLinkedCharges({
  runId,
  api,
  progress,
}: {
  runId: number;
  api: Stripe;
  progress: PullProgress;
}) {
  const sql = rawSql();
  const missing = await sql<{ charge_id: string }[]>`
    select distinct s.charge_id from reconciliation_staged s
    where s.run_id = ${runId} and s.object_type in ('payment_intent', 'refund', 'dispute')
      and s.charge_id is not null
      and not exists (select 1 from reconciliation_staged c
        where c.run_id = s.run_id and c.object_type = 'charge' and c.object_id = s.charge_id)
    order by s.charge_id
    limit ${MAX_LINKED_FETCHES + 1}`;
  if (missing.length === 0) return;
  await progress({ step: "linked charges" });
  if (missing.length > MAX_LINKED_FETCHES)
    await progress({
      warning: `more than ${MAX_LINKED_FETCHES} charges lie outside the period: refunded totals of the rest are not compared`,
    });
  for (const { charge_id: chargeId } of missing.slice(0, MAX_LINKED_FETCHES)) {
    try {
      const charge = await withRetry(() => api.charges.retrieve(chargeId));
      await stageRows({ runId, rows: [chargeRow(charge)] });
      await progress({ pages: 1, staged: 1 });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}

/**
 * Events Stripe lists for the period (and the day after it, where a period's
 * objects get their later events) that never reached us. Only those touching
 * payments, refunds, disputes and payouts matter to matching.
 */
async function stageMissedEvents({
  runId,
  api,
  from,
  to,
  progress,
}: {
  runId: number;
  api: Stripe;
  from: Date;
  to: Date;
  progress: PullProgress;
}) {
  const until = new Date(Math.min(Date.now() + 1000, to.getTime() + EVENT_TRAIL_MS));
  await progress({ step: "events" });
  try {
    await eachPage(
      (p) => api.events.list(p),
      { created: { gte: seconds(from), lt: seconds(until) } },
      async (events) => {
        const known = await knownEventIds({ provider: "stripe", ids: events.map((event) => event.id) });
        const rows = events.filter((event) => !known.has(event.id)).flatMap((event) => eventRow(event) ?? []);
        const staged = await stageRows({ runId, rows });
        await progress({ pages: 1, staged });
      },
    );
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await progress({ warning: "the events API is not available (404): missed webhooks cannot be recovered" });
  }
}
