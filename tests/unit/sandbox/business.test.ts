import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateBusiness, SANDBOX_FEE, type SandboxBusiness } from "@/lib/sandbox/business";
import { startStripeApiServer, type StripeApiServer } from "@/lib/sandbox/stripe-api/server";

const DAY = 86_400;
const FROM = 1_735_689_600; // 2025-01-01T00:00:00Z

let clean: SandboxBusiness;
let server: StripeApiServer;
let stripe: Stripe;

beforeAll(async () => {
  clean = generateBusiness({ seed: 42, from: FROM, to: FROM + 5 * DAY, activityPerDay: 150 });
  server = await startStripeApiServer({ store: clean.store, apiKey: "sk_test_business" });
  const url = new URL(server.url);
  stripe = new Stripe("sk_test_business", { host: url.hostname, port: Number(url.port), protocol: "http" });
});

afterAll(async () => {
  await server.stop();
});

async function all<T>(list: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of list) items.push(item);
  return items;
}

describe("generated sandbox business", () => {
  it("is the same business for the same seed", () => {
    const again = generateBusiness({ seed: 42, from: FROM, to: FROM + 5 * DAY, activityPerDay: 150 });
    expect(JSON.stringify(again.store)).toBe(JSON.stringify(clean.store));
    const other = generateBusiness({ seed: 43, from: FROM, to: FROM + 5 * DAY, activityPerDay: 150 });
    expect(other.store.charges[0]!.id).not.toBe(clean.store.charges[0]!.id);
  });

  it("has payments, failures, refunds, disputes and one payout per day", () => {
    expect(clean.counts.payments).toBeGreaterThan(500);
    expect(clean.counts.failed_payments).toBeGreaterThan(0);
    expect(clean.counts.refunds).toBeGreaterThan(0);
    expect(clean.counts.disputes).toBeGreaterThan(0);
    expect(clean.store.payouts).toHaveLength(4);
  });

  it("pays out exactly the net of each payout's balance transactions, read through the SDK", async () => {
    const payouts = await all(stripe.payouts.list({ limit: 100 }));
    expect(payouts).toHaveLength(4);
    for (const payout of payouts) {
      const transactions = await all(stripe.balanceTransactions.list({ payout: payout.id, limit: 100 }));
      const own = transactions.filter((txn) => txn.type === "payout");
      expect(own.map((txn) => txn.id)).toEqual([payout.balance_transaction]);
      expect(own[0]!.amount).toBe(-payout.amount);
      const paid = transactions.filter((txn) => txn.type !== "payout");
      expect(paid.length).toBeGreaterThan(50);
      expect(paid.reduce((sum, txn) => sum + txn.net, 0)).toBe(payout.amount);
      expect(paid.every((txn) => txn.created < payout.created)).toBe(true);
    }
  });

  it("charges the contracted fee on every charge and keeps refunds consistent", () => {
    const transactions = new Map(clean.store.balance_transactions.map((txn) => [txn.id, txn]));
    for (const charge of clean.store.charges.filter((c) => c.status === "succeeded")) {
      const txn = transactions.get(charge.balance_transaction!)!;
      expect(txn.amount).toBe(charge.amount);
      expect(txn.fee).toBe(Math.round((charge.amount * SANDBOX_FEE.percent) / 100) + SANDBOX_FEE.fixed);
      expect(txn.net).toBe(txn.amount - txn.fee);
      const refunded = clean.store.refunds
        .filter((r) => r.charge === charge.id)
        .reduce((sum, r) => sum + r.amount, 0);
      expect(charge.amount_refunded).toBe(refunded);
      expect(charge.refunded).toBe(refunded === charge.amount);
    }
    for (const charge of clean.store.charges.filter((c) => c.status === "failed")) {
      expect(charge.balance_transaction).toBeNull();
    }
  });

  it("records an event for every state change, each carrying its object", () => {
    const types = new Set(clean.store.events.map((event) => event.type));
    for (const type of [
      "customer.created",
      "payment_intent.created",
      "payment_intent.succeeded",
      "payment_intent.payment_failed",
      "charge.succeeded",
      "charge.failed",
      "charge.refunded",
      "refund.created",
      "charge.dispute.created",
      "charge.dispute.closed",
      "payout.created",
      "payout.paid",
    ]) {
      expect(types).toContain(type);
    }
    const succeededIntents = clean.store.payment_intents.filter((pi) => pi.status === "succeeded").length;
    expect(clean.store.events.filter((event) => event.type === "payment_intent.succeeded")).toHaveLength(
      succeededIntents,
    );
    const refundEvents = clean.store.events.filter((event) => event.type === "refund.created");
    expect(refundEvents.map((event) => event.data.object.id).sort()).toEqual(
      clean.store.refunds.map((r) => r.id).sort(),
    );
  });

  it("plants the configured anomalies in the provider's own books", () => {
    const anomalous = generateBusiness({
      seed: 7,
      from: FROM,
      to: FROM + 3 * DAY,
      activityPerDay: 200,
      anomalies: { fee: 0.1, payout: 1 },
    });
    const transactions = anomalous.store.balance_transactions;
    const wrongFees = transactions.filter(
      (txn) =>
        txn.type === "charge" &&
        txn.fee !== Math.round((txn.amount * SANDBOX_FEE.percent) / 100) + SANDBOX_FEE.fixed,
    );
    expect(wrongFees.length).toBe(anomalous.counts.fee_anomalies);
    expect(wrongFees.length).toBeGreaterThan(20);
    for (const payout of anomalous.store.payouts) {
      const paid = transactions
        .filter((txn) => txn._payout === payout.id)
        .reduce((sum, txn) => sum + txn.net, 0);
      expect(paid).not.toBe(payout.amount);
    }
  });

  it("prunes old history in place, so a server holding the store sees the rolling window", () => {
    const rolling = generateBusiness({ seed: 3, from: FROM, to: FROM + 2 * DAY, activityPerDay: 100 });
    const events = rolling.store.events;
    const cutoff = FROM + DAY;
    const expected = events.filter((event) => event.created >= cutoff).length;
    const objects = rolling.store.charges.length;
    rolling.prune({ objectsBefore: FROM, eventsBefore: cutoff });
    expect(rolling.store.charges).toHaveLength(objects);
    rolling.prune({ objectsBefore: cutoff });
    expect(rolling.store.events).toBe(events);
    expect(events).toHaveLength(expected);
    expect(expected).toBeGreaterThan(0);
    for (const list of Object.values(rolling.store)) {
      expect((list as { created: number }[]).every((object) => object.created >= cutoff)).toBe(true);
    }
  });
});
