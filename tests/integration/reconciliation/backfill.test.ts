import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawSql } from "@/db";
import { POST as backfillRoute } from "@/app/api/v1/discrepancies/[id]/backfill/route";
import { GET as listRoute } from "@/app/api/v1/discrepancies/route";
import { insertToken } from "@/lib/auth/tokens";
import { systemPrincipal } from "@/lib/auth/principal";
import { processQueuedRuns } from "@/lib/reconciliation/execute";
import { enqueueRun } from "@/lib/reconciliation/runs";
import {
  buildBalanceTransaction,
  buildCharge,
  buildEvent,
  buildPaymentIntent,
  emptyStore,
} from "@/lib/sandbox/stripe-api/objects";
import { startStripeApiServer, type StripeApiServer } from "@/lib/sandbox/stripe-api/server";
import { useTestDatabase } from "../helpers/db";
import { callRoute } from "../helpers/http";
import { drain, ingest } from "../processing/helpers";
import { setEnv } from "../providers/env";

/**
 * Backfill repairs our record from Stripe's current object through the
 * normal pipeline: a payment whose webhooks were lost (and whose events have
 * left Stripe's event list) and one we processed with the wrong amount are
 * backfilled, processed, and the next run auto-resolves both.
 */
useTestDatabase();
const store = emptyStore();
let server: StripeApiServer;
let finance: string;
let viewer: string;
const now = Math.floor(Date.now() / 1000);
const from = new Date((now - 3 * 3600) * 1000);
const to = new Date((now - 3600) * 1000);

function payment(amount: number, created: number, customer: string) {
  const txn = buildBalanceTransaction({ type: "charge", amount, currency: "eur", fee: 0, created });
  const intent = buildPaymentIntent({ amount, currency: "eur", customer, created });
  const charge = buildCharge({
    amount,
    currency: "eur",
    customer,
    created,
    payment_intent: intent.id,
    balance_transaction: txn.id,
  });
  txn.source = charge.id;
  intent.latest_charge = charge.id;
  store.payment_intents.push(intent);
  store.charges.push(charge);
  store.balance_transactions.push(txn);
  return { intent, charge };
}

/** The webhooks processing got for a payment, optionally carrying a wrong amount. */
const webhooks = ({ intent, charge }: ReturnType<typeof payment>, amount = intent.amount) => [
  buildEvent({
    type: "payment_intent.succeeded",
    dataObject: { ...intent, amount, amount_received: amount },
    created: intent.created,
  }),
  buildEvent({
    type: "charge.succeeded",
    dataObject: { ...charge, amount, amount_captured: amount },
    created: charge.created,
  }),
];

type Row = { id: number; kind: string; object_id: string; status: string };
const keyOf = (row: Row) => `${row.kind}:${row.object_id}`;
let clean: ReturnType<typeof payment>;
let lost: ReturnType<typeof payment>;
let wrong: ReturnType<typeof payment>;

async function runOnce() {
  const { id } = await enqueueRun({
    principal: systemPrincipal("test"),
    provider: "stripe",
    from,
    to,
    kind: "transactions",
  });
  await processQueuedRuns({ holder: "backfill-test" });
  const [run] = await rawSql()<{ status: string; error: string | null }[]>`
    select status, error from reconciliation_runs where id = ${id}`;
  expect(run).toEqual({ status: "succeeded", error: null });
  return id;
}

async function listAll(query = ""): Promise<Row[]> {
  const response = await callRoute(listRoute, {
    path: `/api/v1/discrepancies?limit=100${query}`,
    token: viewer,
  });
  return (response.json() as { data: Row[] }).data;
}

beforeAll(async () => {
  clean = payment(2500, now - 2 * 3600, "cus_clean");
  lost = payment(3100, now - 2 * 3600 + 60, "cus_lost");
  wrong = payment(5000, now - 2 * 3600 + 120, "cus_wrong");
  server = await startStripeApiServer({ store });
  setEnv({ STRIPE_SECRET_KEY: "sk_test_backfill", STRIPE_API_BASE: server.url });
  finance = (await insertToken({ name: "finance", role: "finance", createdBy: "test" })).token;
  viewer = (await insertToken({ name: "viewer", role: "viewer", createdBy: "test" })).token;
  // Stripe's event list only has what we received; the lost payment's events are gone from it.
  const received = [...webhooks(clean), ...webhooks(wrong, 4000)];
  store.events.push(...received);
  await ingest(received);
  await drain();
});
afterAll(async () => {
  await server?.stop();
});

describe("backfill from the provider", () => {
  const found = new Map<string, Row>();

  it("the run finds the lost payment and the wrong amount", async () => {
    const run = await runOnce();
    for (const row of await listAll(`&run_id=${run}`)) found.set(keyOf(row), row);
    expect([...found.keys()].sort()).toEqual([
      `amount_mismatch:${wrong.intent.id}`,
      `missing_internal:${lost.intent.id}`,
    ]);
  });

  it("is finance-only, feeds Stripe's current objects through processing, and is audited", async () => {
    for (const row of found.values()) {
      const path = `/api/v1/discrepancies/${row.id}/backfill`;
      const denied = await callRoute(backfillRoute, {
        method: "POST",
        path,
        params: { id: String(row.id) },
        token: viewer,
      });
      expect(denied.status).toBe(403);
      const response = await callRoute(backfillRoute, {
        method: "POST",
        path,
        params: { id: String(row.id) },
        token: finance,
      });
      expect(response.status).toBe(202);
      expect((response.json() as { events: number }).events).toBe(2);
    }
    const audit = await rawSql()<
      { action: string; target: string; details: { object_id: string; events: unknown[] } }[]
    >`
      select action, target, details from audit_log where action = 'discrepancy.backfill' order by id`;
    expect(audit.map((row) => [row.target, row.details.object_id, row.details.events.length]).sort()).toEqual(
      [...found.values()].map((row) => [`discrepancy:${row.id}`, row.object_id, 2]).sort(),
    );
    await drain();
    const records = await rawSql()<{ object_id: string; amount: number; status: string }[]>`
      select object_id, amount::int as amount, status from records
      where kind = 'payment' and object_id in (${lost.intent.id}, ${wrong.intent.id}) order by amount`;
    expect(records).toEqual([
      { object_id: lost.intent.id, amount: 3100, status: "succeeded" },
      { object_id: wrong.intent.id, amount: 5000, status: "succeeded" },
    ]);
  });

  it("the next run auto-resolves both", async () => {
    const run = await runOnce();
    expect(await listAll(`&run_id=${run}`)).toEqual([]);
    const statuses = (await listAll()).map((row) => [keyOf(row), row.status]).sort();
    expect(statuses).toEqual([
      [`amount_mismatch:${wrong.intent.id}`, "auto_resolved"],
      [`missing_internal:${lost.intent.id}`, "auto_resolved"],
    ]);
  });
});
