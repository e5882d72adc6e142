/**
 * Planted faults, found through Tally's public interfaces only.
 *
 * An independent Stripe stand-in (tests/fixtures/stripe-standin, written from
 * Stripe's API reference) serves a generated shop's account; its events go to
 * Tally's webhook route as signed webhooks, minus the ones faults withhold
 * and with the ones faults alter; Tally's worker processes them; finance
 * configures the fee schedule and imports the bank statement over the REST
 * API; reconciliation runs are enqueued over the REST API and executed by
 * Tally's run executor against the stand-in through the real Stripe SDK.
 *
 * The expected findings are derived from what was planted (faults.ts), by
 * DESIGN.md's discrepancy contract. Three runs:
 * 1. every planted fault is reported exactly once, as one of its acceptable
 *    findings, and no other finding appears;
 * 2. after the withheld webhooks of some faults arrive late (and finance
 *    resolved one finding), the same period again: what the late webhooks or
 *    the first run's missed-webhook recovery fixed is auto_resolved, the rest
 *    is seen again under the same discrepancy, the resolved one stays
 *    resolved, nothing new appears;
 * 3. a period shifted by half its length: nothing new, nothing changes status,
 *    the open findings it covers are seen again.
 * Failures list each missing, doubled or unexpected finding with what the
 * object is in the generated business.
 *
 * PLANTED_FAULTS_SEED=<n> replays another generated business.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Stripe from "stripe";
import { POST as webhookRoute } from "@/app/api/webhooks/[provider]/route";
import { startWorker, type Worker } from "@/lib/processing/worker";
import { createStripeClient } from "@/lib/providers/stripe/client";
import { processQueuedRuns } from "@/lib/reconciliation/execute";
import { itFindsEveryPlantedFault, itKeepsFindingsStable, plantedRuns } from "../../fixtures/planted/runs";
import { FEE_SCHEDULE } from "../../fixtures/stripe-standin/business";
import { deliverWebhooks, type DeliveryReport } from "../../fixtures/stripe-standin/deliver";
import { plantedScenario } from "../../fixtures/stripe-standin/faults";
import { startStripeStandin, type StripeStandin } from "../../fixtures/stripe-standin/server";
import type { EventObject } from "../../fixtures/stripe-standin/types";
import { useTestDatabase } from "../helpers/db";

const SEED = Number(process.env.PLANTED_FAULTS_SEED ?? 20260301);
const WEBHOOK_SECRET = `whsec_${randomBytes(24).toString("hex")}`;
const STRIPE_KEY = `sk_test_${randomBytes(12).toString("hex")}`;
const ADMIN_TOKEN = `admin_${randomBytes(16).toString("hex")}`;
const HOUR = 3600;
const DAY = 86_400;

process.env.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET;
process.env.STRIPE_SECRET_KEY = STRIPE_KEY;
process.env.API_TOKEN = ADMIN_TOKEN;
process.env.SIMULATE = "0";
// Out-of-order events may need a retry; keep the waits short.
process.env.PROCESSING_BACKOFF_MS = "100";

useTestDatabase();

// Five days back, 08:00–14:00 UTC: the payouts (two days later) have arrived by now.
const from = Math.floor(Date.now() / 1000 / DAY) * DAY - 5 * DAY + 8 * HOUR;
const scenario = plantedScenario({ seed: SEED, from, hours: 6 });
const { account } = scenario;
const firstWindow = { from: account.from, to: account.to };
const shiftedWindow = { from: account.from + 3 * HOUR, to: account.to + 3 * HOUR };

let standin: StripeStandin;
let worker: Worker;

function deliver(events: readonly EventObject[], seed: number): Promise<DeliveryReport> {
  return deliverWebhooks({
    events,
    secret: WEBHOOK_SECRET,
    seed,
    target: (request) => webhookRoute(request, { params: Promise.resolve({ provider: "stripe" }) }),
  });
}

const runs = plantedRuns({
  provider: "stripe",
  adminToken: ADMIN_TOKEN,
  execute: () =>
    processQueuedRuns({
      holder: "planted-faults",
      stripeClient: createStripeClient({ apiKey: STRIPE_KEY, apiBase: standin.url }),
    }),
  faults: scenario.faults,
  explain: scenario.explain,
  period: firstWindow,
  shifted: shiftedWindow,
});
const { tally, verdict } = runs;

beforeAll(async () => {
  standin = await startStripeStandin({ data: scenario.standin, apiKeys: [STRIPE_KEY] });
  process.env.STRIPE_API_BASE = standin.url;
  // Tally reads its configuration once per environment object: hand it a fresh one with every value above.
  process.env = { ...process.env };
  worker = await startWorker({ jobs: [], pollMs: 200 });
  await tally.signIn("planted-faults");
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await standin?.stop();
});

describe("the Stripe stand-in", () => {
  const sdk = () =>
    new Stripe(STRIPE_KEY, { maxNetworkRetries: 0, host: "127.0.0.1", port: standin.port, protocol: "http" });

  it("pages every list newest first through the real SDK", async () => {
    const intents: Stripe.PaymentIntent[] = [];
    for await (const intent of sdk().paymentIntents.list({ limit: 37, created: { gte: firstWindow.from } })) {
      intents.push(intent);
    }
    const expected = [...account.objects.values()].filter((o) => o.object === "payment_intent");
    expect(intents).toHaveLength(expected.length);
    expect(new Set(intents.map((i) => i.id)).size).toBe(expected.length);
    const order = intents.map((i) => i.created);
    expect(order).toEqual([...order].sort((a, b) => b - a));

    const page = await sdk().events.list({ limit: 100, types: ["payout.paid"] });
    expect(page.data.map((e) => e.type)).toEqual(Array(page.data.length).fill("payout.paid"));
    const first = await sdk().charges.list({ limit: 3 });
    const back = await sdk().charges.list({ limit: 2, ending_before: first.data[2]!.id });
    expect(back.data.map((c) => c.id)).toEqual(first.data.slice(0, 2).map((c) => c.id));
    const expanded = await sdk().paymentIntents.retrieve(
      account.payments.find((p) => p.flow === "card")!.paymentIntentId!,
      {
        expand: ["latest_charge.balance_transaction"],
      },
    );
    expect((expanded.latest_charge as Stripe.Charge).object).toBe("charge");
  });

  it("answers like Stripe when something is wrong", async () => {
    await expect(sdk().charges.retrieve("ch_nope")).rejects.toMatchObject({
      type: "StripeInvalidRequestError",
      statusCode: 404,
      code: "resource_missing",
      param: "id",
    });
    await expect(sdk().charges.list({ limit: 101 })).rejects.toMatchObject({
      statusCode: 400,
      param: "limit",
    });
    expect((await fetch(`${standin.url}/v1/charges`)).status).toBe(401);
    standin.faults.failNext(429, 1, { retryAfterSeconds: 2 });
    const limited = await fetch(`${standin.url}/v1/charges`, {
      headers: { authorization: `Bearer ${STRIPE_KEY}` },
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("2");
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe("rate_limit");
  });

  it("keeps the generated books consistent: payouts, fees, refunds and event snapshots", async () => {
    const planted = new Set(scenario.faults.flatMap((f) => f.accept.map((a) => a.objectId)));
    for (const payout of account.payouts) {
      const transactions: Stripe.BalanceTransaction[] = [];
      for await (const t of sdk().balanceTransactions.list({ payout: payout.id, limit: 100 }))
        transactions.push(t);
      const own = transactions.filter((t) => t.type === "payout");
      expect(own.map((t) => t.source)).toEqual([payout.id]);
      const net = transactions.filter((t) => t.type !== "payout").reduce((sum, t) => sum + t.net, 0);
      if (!planted.has(payout.id)) expect(net).toBe(payout.amount);
    }
    for (const object of account.objects.values()) {
      if (object.object !== "charge" || object.status !== "succeeded") continue;
      const transaction = account.objects.get(object.balance_transaction!);
      if (transaction?.object !== "balance_transaction")
        throw new Error(`charge ${object.id} has no balance transaction`);
      const expectedFee = Math.round((transaction.amount * FEE_SCHEDULE.percent) / 100) + FEE_SCHEDULE.fixed;
      if (!planted.has(object.payment_intent ?? object.id)) expect(transaction.fee).toBe(expectedFee);
      const refunded = [...account.objects.values()]
        .filter((o) => o.object === "refund" && o.charge === object.id)
        .reduce((sum, o) => sum + (o.object === "refund" ? o.amount : 0), 0);
      expect(object.amount_refunded).toBe(refunded);
    }
    // The last event carrying an object shows it as the API does (a dispute flags its charge without a charge event).
    const last = new Map<string, EventObject>();
    for (const { event } of account.events) last.set(event.data.object.id, event);
    for (const [id, event] of last) {
      const { disputed: _a, ...snapshot } = event.data.object as unknown as Record<string, unknown>;
      const { disputed: _b, ...current } = account.objects.get(id) as unknown as Record<string, unknown>;
      expect(snapshot, `${event.type} for ${id}`).toEqual(current);
    }
  });
});

describe("reconciliation over a Stripe account with planted faults", () => {
  it("takes every webhook and processes it", { timeout: 300_000 }, async () => {
    const report = await deliver(scenario.deliveries, SEED);
    expect(report.failures).toEqual([]);
    expect(report.acknowledgedAsDuplicate).toBeGreaterThanOrEqual(report.repeated);
    const byStatus = await tally.drain();
    const stored = new Set(scenario.deliveries.map((event) => event.id)).size;
    expect(byStatus.dead ?? 0, `dead letters: ${JSON.stringify(byStatus)}`).toBe(0);
    expect((byStatus.processed ?? 0) + (byStatus.ignored ?? 0), JSON.stringify(byStatus)).toBe(stored);
    await tally.putFeeSchedule(scenario.feeSchedule);
    await tally.importBankStatement(scenario.bankStatementCsv);
  });

  // Rate limits and a server error on the way must not change the outcome.
  itFindsEveryPlantedFault(runs, () => {
    standin.faults.failNext(429, 2);
    standin.faults.failNext(503, 1);
  });

  it("says a missed webhook was recovered when it reports missing_internal", () => {
    expect(runs.found.size, "the first run found no planted fault to look at").toBeGreaterThan(0);
    expect(verdict.unrecovered(runs.found, (_, finding) => finding.kind === "missing_internal")).toEqual([]);
  });

  itKeepsFindingsStable(runs, {
    what: "late webhooks and recovery",
    preferKind: "fee_mismatch",
    note: "fee difference accepted",
    beforeSecond: async () => {
      const report = await deliver(scenario.late, SEED + 1);
      expect(report.failures).toEqual([]);
      scenario.markDelivered(scenario.late);
      await tally.drain();
    },
  });
});
