import "server-only";
import type Stripe from "stripe";
import { rawSql } from "@/db";
import { storeEvents } from "@/lib/inbox/store";
import { createStripeClient } from "@/lib/providers/stripe/client";
import { normaliseStripeEvent } from "@/lib/providers/stripe/normalise";
import type { RunKind } from "@/db/schema";
import { withRetry } from "../retry";
import { stageRows, type StagedRow } from "../stage";
import { balanceTransactionRow, chargeRow, disputeRow, paymentIntentRow, payoutRow, refundRow } from "./map";

export type PullProgress = (delta: { pages: number; staged: number; recovered?: number }) => Promise<void>;

type ListPage<T> = { data: T[]; has_more: boolean };
type Lister<T> = (params: {
  limit: number;
  starting_after?: string;
  created?: { gte: number; lt: number };
}) => Promise<ListPage<T>>;

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
    startingAfter = page.data.at(-1)!.id;
  }
}

const PAYMENT_LEVEL = new Set(["payment_intent", "charge", "refund", "dispute"]);

/**
 * Pulls the provider's books for [from, to) into the run's staging rows, and
 * ingests any event in the period that never reached us (recovered events are
 * also staged, so matching can name the objects they touched).
 */
export async function pullStripe({
  runId,
  from,
  to,
  kind,
  progress,
  client,
}: {
  runId: number;
  from: Date;
  to: Date;
  kind: RunKind;
  progress: PullProgress;
  client?: Stripe;
}) {
  const api = client ?? createStripeClient();
  const created = { gte: Math.floor(from.getTime() / 1000), lt: Math.floor(to.getTime() / 1000) };

  const stage = async <T extends { id: string }>(items: T[], toRow: (item: T) => StagedRow) => {
    const staged = await stageRows({ runId, rows: items.map(toRow) });
    await progress({ pages: 1, staged });
  };

  await eachPage(
    (p) => api.balanceTransactions.list(p),
    { created },
    (items) => stage(items, (txn) => balanceTransactionRow(txn)),
  );
  await eachPage(
    (p) => api.charges.list(p),
    { created },
    (items) => stage(items, chargeRow),
  );
  await eachPage(
    (p) => api.payouts.list(p),
    { created },
    (items) => stage(items, payoutRow),
  );
  if (kind !== "settlement") {
    await eachPage(
      (p) => api.paymentIntents.list(p),
      { created },
      (items) => stage(items, paymentIntentRow),
    );
    await eachPage(
      (p) => api.refunds.list(p),
      { created },
      (items) => stage(items, refundRow),
    );
    await eachPage(
      (p) => api.disputes.list(p),
      { created },
      (items) => stage(items, disputeRow),
    );
  }

  // Each automatic payout's own listing links the transactions it paid out (some older than the period).
  const sql = rawSql();
  const payouts = await sql<{ object_id: string }[]>`
    select object_id from reconciliation_staged
    where run_id = ${runId} and object_type = 'payout' and automatic`;
  for (const { object_id: payoutId } of payouts) {
    await eachPage(
      (p) => api.balanceTransactions.list({ ...p, payout: payoutId }),
      {},
      (items) => stage(items, (txn) => balanceTransactionRow(txn, payoutId)),
    );
  }

  if (kind !== "settlement" && kind !== "fees") await recoverMissedEvents({ runId, api, created, progress });
}

async function recoverMissedEvents({
  runId,
  api,
  created,
  progress,
}: {
  runId: number;
  api: Stripe;
  created: { gte: number; lt: number };
  progress: PullProgress;
}) {
  const sql = rawSql();
  await eachPage(
    (p) => api.events.list(p),
    { created },
    async (events) => {
      const ids = events.map((event) => event.id);
      const known = await sql<{ provider_event_id: string }[]>`
        select provider_event_id from events
        where provider = 'stripe' and provider_event_id = any(${ids})`;
      const knownIds = new Set(known.map((row) => row.provider_event_id));
      const missed = events.filter((event) => !knownIds.has(event.id));
      if (missed.length === 0) return progress({ pages: 1, staged: 0 });

      const normalised = missed.flatMap((event) => {
        const result = normaliseStripeEvent(event);
        return result.ok ? [result.event] : [];
      });
      const stored = await storeEvents({
        provider: "stripe",
        events: normalised,
        // Recovered events have no delivery; the payload is the API's copy of the event.
        rawBody: "",
        headers: { "x-tally-recovered-by": `reconciliation-run:${runId}` },
        recovered: true,
      });
      const storedIds = new Set(stored.stored.map((row) => row.providerEventId));
      const rows = missed.filter((event) => storedIds.has(event.id)).map((event) => recoveredEventRow(event));
      await stageRows({ runId, rows });
      await progress({ pages: 1, staged: 0, recovered: rows.length });
    },
  );
}

function recoveredEventRow(event: Stripe.Event): StagedRow {
  const object = event.data.object as unknown as {
    id?: string;
    object?: string;
    payment_intent?: string | { id: string } | null;
    charge?: string | { id: string } | null;
  };
  const objectType = object.object ?? null;
  const ref = (value: string | { id: string } | null | undefined) =>
    value == null ? null : typeof value === "string" ? value : value.id;
  const paymentIntentId = objectType === "payment_intent" ? (object.id ?? null) : ref(object.payment_intent);
  return {
    objectType: "recovered_event",
    objectId: event.id,
    txnType: event.type,
    source: object.id ?? null,
    status: objectType,
    paymentIntentId: objectType && PAYMENT_LEVEL.has(objectType) ? paymentIntentId : null,
    chargeId: objectType === "charge" ? (object.id ?? null) : ref(object.charge),
    created: new Date(event.created * 1000).toISOString(),
  };
}
