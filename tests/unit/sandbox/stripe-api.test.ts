import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildBalanceTransaction,
  buildCharge,
  buildEvent,
  buildPayout,
  emptyStore,
  type StripeStore,
} from "@/lib/sandbox/stripe-api/objects";
import { startStripeApiServer, type StripeApiServer } from "@/lib/sandbox/stripe-api/server";

const API_KEY = "sk_test_sandbox_api_suite";
const BASE = 1_700_000_000;

let store: StripeStore;
let server: StripeApiServer;
let stripe: Stripe;

beforeAll(async () => {
  store = emptyStore();
  // 250 charges, two per second, so several share a `created` second and ties matter.
  for (let i = 0; i < 250; i += 1) {
    store.charges.push(
      buildCharge({
        id: `ch_${String(i).padStart(4, "0")}`,
        amount: 1000 + i,
        currency: "eur",
        created: BASE + Math.floor(i / 2),
      }),
    );
  }
  const payout = buildPayout({
    id: "po_1",
    amount: 0,
    currency: "eur",
    created: BASE + 500,
    balance_transaction: "txn_po_1",
  });
  const paidOut = [1000, 2500, -400].map((amount, i) =>
    buildBalanceTransaction({
      id: `txn_${i}`,
      amount,
      currency: "eur",
      type: amount > 0 ? "charge" : "refund",
      created: BASE + i,
      fee: amount > 0 ? 40 : 0,
      payout: "po_1",
    }),
  );
  payout.amount = paidOut.reduce((sum, txn) => sum + txn.net, 0);
  store.payouts.push(payout);
  store.balance_transactions.push(
    ...paidOut,
    buildBalanceTransaction({
      id: "txn_po_1",
      amount: -payout.amount,
      currency: "eur",
      type: "payout",
      created: BASE + 500,
      source: "po_1",
    }),
    buildBalanceTransaction({
      id: "txn_unpaid",
      amount: 700,
      currency: "eur",
      type: "charge",
      created: BASE + 600,
      fee: 35,
    }),
  );
  store.events.push(
    buildEvent({ id: "evt_a", type: "charge.succeeded", dataObject: store.charges[0]!, created: BASE }),
    buildEvent({
      id: "evt_b",
      type: "charge.dispute.created",
      dataObject: { id: "dp_1", object: "dispute" },
      created: BASE + 1,
    }),
    buildEvent({ id: "evt_c", type: "payout.paid", dataObject: payout, created: BASE + 2 }),
  );
  server = await startStripeApiServer({ store, apiKey: API_KEY });
  const url = new URL(server.url);
  stripe = new Stripe(API_KEY, {
    host: url.hostname,
    port: Number(url.port),
    protocol: "http",
    maxNetworkRetries: 0,
  });
});

afterAll(async () => {
  await server.stop();
});

describe("sandbox Stripe API through the real SDK", () => {
  it("pages a list beyond 100 objects newest first, each object once", async () => {
    const first = await stripe.charges.list({ limit: 100 });
    expect(first.object).toBe("list");
    expect(first.has_more).toBe(true);
    expect(first.data).toHaveLength(100);
    expect(first.data[0]!.id).toBe("ch_0249");

    const seen: Stripe.Charge[] = [];
    for await (const charge of stripe.charges.list({ limit: 100 })) seen.push(charge);
    expect(seen).toHaveLength(250);
    expect(new Set(seen.map((charge) => charge.id)).size).toBe(250);
    for (let i = 1; i < seen.length; i += 1)
      expect(seen[i - 1]!.created).toBeGreaterThanOrEqual(seen[i]!.created);
  });

  it("defaults to 10 and pages backwards with ending_before", async () => {
    const page = await stripe.charges.list();
    expect(page.data).toHaveLength(10);
    const older = await stripe.charges.list({ starting_after: page.data[9]!.id, limit: 5 });
    const back = await stripe.charges.list({ ending_before: older.data[0]!.id, limit: 3 });
    expect(back.data.map((charge) => charge.id)).toEqual(page.data.slice(7).map((charge) => charge.id));
    expect(back.has_more).toBe(true);
  });

  it("filters by created bounds", async () => {
    const seen: Stripe.Charge[] = [];
    for await (const charge of stripe.charges.list({ created: { gte: BASE + 10, lt: BASE + 20 }, limit: 7 }))
      seen.push(charge);
    expect(seen).toHaveLength(20);
    expect(seen.every((charge) => charge.created >= BASE + 10 && charge.created < BASE + 20)).toBe(true);
    const exclusive = await stripe.charges.list({ created: { gt: BASE + 123, lte: BASE + 124 } });
    expect(exclusive.data.map((charge) => charge.id)).toEqual(["ch_0249", "ch_0248"]);
  });

  it("lists a payout's balance transactions including the payout's own", async () => {
    const list = await stripe.balanceTransactions.list({ payout: "po_1", limit: 100 });
    expect(list.data.map((txn) => txn.id).sort()).toEqual(["txn_0", "txn_1", "txn_2", "txn_po_1"]);
    const paid = list.data.filter((txn) => txn.type !== "payout");
    const payout = await stripe.payouts.retrieve("po_1");
    expect(paid.reduce((sum, txn) => sum + txn.net, 0)).toBe(payout.amount);
    expect(list.data.some((txn) => "_payout" in txn)).toBe(false);
    const charges = await stripe.balanceTransactions.list({ type: "charge" });
    expect(charges.data.map((txn) => txn.id).sort()).toEqual(["txn_0", "txn_1", "txn_unpaid"]);
  });

  it("filters events by type, several types and wildcards", async () => {
    const one = await stripe.events.list({ type: "payout.paid" });
    expect(one.data.map((event) => event.id)).toEqual(["evt_c"]);
    const several = await stripe.events.list({ types: ["charge.succeeded", "payout.paid"] });
    expect(several.data.map((event) => event.id)).toEqual(["evt_c", "evt_a"]);
    const wildcard = await stripe.events.list({ type: "charge.*" });
    expect(wildcard.data.map((event) => event.id)).toEqual(["evt_b", "evt_a"]);
  });

  it("answers a missing object with Stripe's 404 error shape", async () => {
    const error = await stripe.charges.retrieve("ch_missing").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    const stripeError = error as Stripe.errors.StripeInvalidRequestError;
    expect(stripeError.statusCode).toBe(404);
    expect(stripeError.code).toBe("resource_missing");
    expect(stripeError.message).toBe("No such charge: 'ch_missing'");
    const raw = await fetch(`${server.url}/v1/charges/ch_missing`, {
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    expect(await raw.json()).toEqual({
      error: {
        type: "invalid_request_error",
        code: "resource_missing",
        param: "id",
        message: "No such charge: 'ch_missing'",
      },
    });
  });

  it("refuses a wrong key with 401", async () => {
    const other = new URL(server.url);
    const wrong = new Stripe("sk_test_wrong", {
      host: other.hostname,
      port: Number(other.port),
      protocol: "http",
      maxNetworkRetries: 0,
    });
    const error = await wrong.charges.list().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect((error as Stripe.errors.StripeError).statusCode).toBe(401);
  });

  it("injects the requested failures, then recovers", async () => {
    server.faults.failNext(429);
    server.faults.failNext(503);
    const limited = await stripe.charges.list().catch((caught: unknown) => caught);
    expect((limited as Stripe.errors.StripeError).statusCode).toBe(429);
    const unavailable = await stripe.charges.list().catch((caught: unknown) => caught);
    expect((unavailable as Stripe.errors.StripeError).statusCode).toBe(503);
    const ok = await stripe.charges.list({ limit: 1 });
    expect(ok.data).toHaveLength(1);
  });

  it("rejects a limit above 100", async () => {
    const error = await stripe.charges.list({ limit: 101 }).catch((caught: unknown) => caught);
    expect((error as Stripe.errors.StripeError).statusCode).toBe(400);
    expect((error as Stripe.errors.StripeError).param).toBe("limit");
  });
});
