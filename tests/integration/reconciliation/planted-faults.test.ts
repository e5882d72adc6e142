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
import { POST as statementRoute } from "@/app/api/v1/bank-statements/route";
import { GET as discrepancyRoute } from "@/app/api/v1/discrepancies/[id]/route";
import { POST as resolveRoute } from "@/app/api/v1/discrepancies/[id]/resolve/route";
import { GET as discrepanciesRoute } from "@/app/api/v1/discrepancies/route";
import { PUT as feeScheduleRoute } from "@/app/api/v1/fee-schedules/[provider]/route";
import { GET as runRoute } from "@/app/api/v1/reconciliation/runs/[id]/route";
import { POST as enqueueRoute } from "@/app/api/v1/reconciliation/runs/route";
import { GET as statsRoute } from "@/app/api/v1/stats/route";
import { POST as tokensRoute } from "@/app/api/v1/tokens/route";
import { startWorker, type Worker } from "@/lib/processing/worker";
import { createStripeClient } from "@/lib/providers/stripe/client";
import { processQueuedRuns } from "@/lib/reconciliation/execute";
import { FEE_SCHEDULE } from "../../fixtures/stripe-standin/business";
import { deliverWebhooks, type DeliveryReport } from "../../fixtures/stripe-standin/deliver";
import { plantedScenario, type PlantedFault } from "../../fixtures/stripe-standin/faults";
import { startStripeStandin, type StripeStandin } from "../../fixtures/stripe-standin/server";
import type { EventObject } from "../../fixtures/stripe-standin/types";
import { useTestDatabase } from "../helpers/db";
import { callRoute } from "../helpers/http";

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

type Finding = {
  id: number;
  kind: string;
  provider: string;
  object_id: string;
  expected_amount: number | null;
  actual_amount: number | null;
  currency: string | null;
  status: string;
  first_seen_at: string;
  last_seen_at: string;
  details?: unknown;
  resolution?: string | null;
};
type Run = { id: number; status: string; error?: string | null; counts?: unknown; progress?: unknown };

let standin: StripeStandin;
let worker: Worker;
let finance: string;
let viewer: string;

const api = async (
  handler: Parameters<typeof callRoute>[0],
  input: { method?: string; path: string; params?: Record<string, string>; token?: string; body?: unknown },
) => {
  const response = await callRoute(handler, {
    method: input.method,
    path: input.path,
    params: input.params,
    token: input.token ?? viewer,
    body:
      input.body === undefined
        ? undefined
        : typeof input.body === "string"
          ? input.body
          : JSON.stringify(input.body),
    headers: typeof input.body === "string" ? { "content-type": "text/csv" } : undefined,
  });
  return response;
};

function deliver(events: readonly EventObject[], seed: number): Promise<DeliveryReport> {
  return deliverWebhooks({
    events,
    secret: WEBHOOK_SECRET,
    seed,
    target: (request) => webhookRoute(request, { params: Promise.resolve({ provider: "stripe" }) }),
  });
}

/** Waits until Tally's worker has settled every stored event (nothing pending, processing or retrying). */
async function drain(): Promise<Record<string, number>> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const response = await api(statsRoute, { path: "/api/v1/stats" });
    expect(response.status).toBe(200);
    const byStatus = (response.json() as { events: { by_status: Record<string, number> } }).events.by_status;
    const busy = (byStatus.pending ?? 0) + (byStatus.processing ?? 0) + (byStatus.retrying ?? 0);
    if (busy === 0) return byStatus;
    if (Date.now() > deadline)
      throw new Error(`events still unprocessed after 180 s: ${JSON.stringify(byStatus)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function reconcile(window: { from: number; to: number }): Promise<Run> {
  const queued = await api(enqueueRoute, {
    method: "POST",
    path: "/api/v1/reconciliation/runs",
    token: finance,
    body: {
      provider: "stripe",
      from: new Date(window.from * 1000).toISOString(),
      to: new Date(window.to * 1000).toISOString(),
    },
  });
  expect(queued.status, queued.text).toBe(202);
  const { id } = queued.json() as { id: number };
  const stripeClient = createStripeClient({ apiKey: STRIPE_KEY, apiBase: standin.url });
  await processQueuedRuns({ holder: "planted-faults", stripeClient });
  const run = await api(runRoute, { path: `/api/v1/reconciliation/runs/${id}`, params: { id: String(id) } });
  expect(run.status).toBe(200);
  return { ...(run.json() as Run), id };
}

async function findings(query: string): Promise<Finding[]> {
  const all: Finding[] = [];
  let cursor: string | null = null;
  do {
    const path: string = `/api/v1/discrepancies?limit=500${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const response = await api(discrepanciesRoute, { path });
    expect(response.status, response.text).toBe(200);
    const page = response.json() as { data: Finding[]; next_cursor: string | null };
    all.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor);
  return all;
}

const accepts = (fault: PlantedFault, finding: Finding) =>
  finding.provider === "stripe" &&
  fault.accept.some((a) => a.kind === finding.kind && a.objectId === finding.object_id);

function describeFinding(finding: Finding): string {
  const amounts =
    finding.expected_amount !== null || finding.actual_amount !== null
      ? ` expected=${finding.expected_amount} actual=${finding.actual_amount} ${finding.currency ?? ""}`
      : "";
  return (
    `${finding.kind} on ${finding.object_id} [#${finding.id} ${finding.status}]${amounts}` +
    ` details=${JSON.stringify(finding.details ?? null)} — ${scenario.explain(finding.object_id)}`
  );
}

function describeFault(fault: PlantedFault): string {
  const alternatives = fault.accept.map((a) => `${a.kind} on ${a.objectId}`).join(" or ");
  return `"${fault.name}" — expected ${alternatives}; planted ${JSON.stringify(fault.facts)}`;
}

/** Each fault's findings among `list`, and the findings no fault accounts for. */
function match(list: Finding[]) {
  const byFault = new Map(scenario.faults.map((fault) => [fault, list.filter((f) => accepts(fault, f))]));
  const unexpected = list.filter((finding) => !scenario.faults.some((fault) => accepts(fault, finding)));
  return { byFault, unexpected };
}

function inWindow(fault: PlantedFault, finding: Finding, window: { from: number; to: number }) {
  const named = fault.accept.find((a) => a.kind === finding.kind && a.objectId === finding.object_id)!;
  return named.created >= window.from && named.created < window.to;
}

// State carried from one run to the next.
const firstFinding = new Map<PlantedFault, Finding>();
let afterFirst: Finding[] = [];
let afterSecond: Finding[] = [];
let financeResolved: PlantedFault | undefined;

beforeAll(async () => {
  standin = await startStripeStandin({ data: scenario.standin, apiKeys: [STRIPE_KEY] });
  process.env.STRIPE_API_BASE = standin.url;
  // Tally reads its configuration once per environment object: hand it a fresh one with every value above.
  process.env = { ...process.env };
  worker = await startWorker({ jobs: [], pollMs: 200 });
  const token = async (role: string) => {
    const response = await api(tokensRoute, {
      method: "POST",
      path: "/api/v1/tokens",
      token: ADMIN_TOKEN,
      body: { name: `planted-faults ${role}`, role },
    });
    expect(response.status, response.text).toBe(201);
    return (response.json() as { token: string }).token;
  };
  finance = await token("finance");
  viewer = await token("viewer");
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
    const byStatus = await drain();
    const stored = new Set(scenario.deliveries.map((event) => event.id)).size;
    expect(byStatus.dead ?? 0, `dead letters: ${JSON.stringify(byStatus)}`).toBe(0);
    expect((byStatus.processed ?? 0) + (byStatus.ignored ?? 0), JSON.stringify(byStatus)).toBe(stored);

    const fees = await api(feeScheduleRoute, {
      method: "PUT",
      path: "/api/v1/fee-schedules/stripe",
      params: { provider: "stripe" },
      token: finance,
      body: scenario.feeSchedule,
    });
    expect(fees.status, fees.text).toBe(200);
    const statement = await api(statementRoute, {
      method: "POST",
      path: "/api/v1/bank-statements",
      token: finance,
      body: scenario.bankStatementCsv,
    });
    expect(statement.status, statement.text).toBe(201);
  });

  it("reports every planted fault exactly once and nothing else", { timeout: 300_000 }, async () => {
    // Rate limits and a server error on the way must not change the outcome.
    standin.faults.failNext(429, 2);
    standin.faults.failNext(503, 1);
    const run = await reconcile(firstWindow);
    expect(run.error ?? null, JSON.stringify(run)).toBeNull();
    expect(run.status).toBe("succeeded");

    const seen = await findings(`&run_id=${run.id}`);
    afterFirst = await findings("");
    const { byFault, unexpected } = match(seen);
    const problems: string[] = [];
    for (const [fault, found] of byFault) {
      if (found.length === 0) problems.push(`missing: ${describeFault(fault)}`);
      if (found.length > 1)
        problems.push(
          `reported ${found.length} times: ${describeFault(fault)}\n  ${found.map(describeFinding).join("\n  ")}`,
        );
      if (found.length >= 1) firstFinding.set(fault, found[0]!);
      for (const finding of found) {
        if (finding.status !== "open")
          problems.push(`not open after the first run: ${describeFinding(finding)}`);
      }
    }
    for (const finding of unexpected) problems.push(`unexpected: ${describeFinding(finding)}`);
    expect(problems, `run ${run.id} counts=${JSON.stringify(run.counts)}`).toEqual([]);
  });

  it("says a missed webhook was recovered when it reports missing_internal", () => {
    const problems = [...firstFinding.values()]
      .filter((finding) => finding.kind === "missing_internal")
      .filter(
        (finding) =>
          !/recover/i.test(JSON.stringify(finding.details ?? null)) && finding.resolution !== "recovered",
      )
      .map((finding) => `no recovery noted: ${describeFinding(finding)}`);
    expect(firstFinding.size, "the first run found no planted fault to look at").toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  it(
    "auto-resolves what late webhooks and recovery fixed, keeps the rest, adds nothing",
    { timeout: 300_000 },
    async () => {
      // Finance settles one finding by hand; it must stay resolved.
      financeResolved = scenario.faults.find(
        (f) => f.remedy === null && firstFinding.has(f) && f.accept[0]!.kind === "fee_mismatch",
      );
      financeResolved ??= scenario.faults.find((f) => f.remedy === null && firstFinding.has(f));
      if (financeResolved) {
        const id = String(firstFinding.get(financeResolved)!.id);
        const resolved = await api(resolveRoute, {
          method: "POST",
          path: `/api/v1/discrepancies/${id}/resolve`,
          params: { id },
          token: finance,
          body: { resolution: "written_off", note: "fee difference accepted" },
        });
        expect(resolved.status, resolved.text).toBe(200);
      }

      const report = await deliver(scenario.late, SEED + 1);
      expect(report.failures).toEqual([]);
      scenario.markDelivered(scenario.late);
      await drain();
      const run = await reconcile(firstWindow);
      expect(run.error ?? null, JSON.stringify(run)).toBeNull();
      expect(run.status).toBe("succeeded");

      const seen = await findings(`&run_id=${run.id}`);
      afterSecond = await findings("");
      const problems = [
        ...newFindings(afterFirst, afterSecond),
        ...match(seen).unexpected.map((f) => `unexpected: ${describeFinding(f)}`),
      ];
      for (const [fault, first] of firstFinding) {
        const now = await discrepancy(first.id);
        const wanted = fault === financeResolved ? "resolved" : fault.remedy ? "auto_resolved" : "open";
        if (now.status !== wanted) {
          problems.push(
            `${wanted} expected, got ${now.status} (remedy: ${fault.remedy ?? "none"}): ${describeFinding(now)}`,
          );
        }
        if (wanted === "open" && !seen.some((f) => f.id === first.id)) {
          problems.push(`not seen again by the second run: ${describeFinding(now)}`);
        }
        if (wanted === "open" && Date.parse(now.last_seen_at) <= Date.parse(first.last_seen_at)) {
          problems.push(`last_seen_at not advanced by the second run: ${describeFinding(now)}`);
        }
      }
      expect(problems, `run ${run.id} counts=${JSON.stringify(run.counts)}`).toEqual([]);
    },
  );

  it(
    "finds nothing new and reopens nothing over a period shifted by half its length",
    { timeout: 300_000 },
    async () => {
      const run = await reconcile(shiftedWindow);
      expect(run.error ?? null, JSON.stringify(run)).toBeNull();
      expect(run.status).toBe("succeeded");

      const seen = await findings(`&run_id=${run.id}`);
      const afterThird = await findings("");
      const problems = [
        ...newFindings(afterSecond, afterThird),
        ...match(seen).unexpected.map((f) => `unexpected: ${describeFinding(f)}`),
      ];
      const before = new Map(afterSecond.map((f) => [f.id, f]));
      for (const finding of afterThird) {
        const earlier = before.get(finding.id);
        if (earlier && earlier.status !== finding.status) {
          problems.push(
            `status changed from ${earlier.status} to ${finding.status}: ${describeFinding(finding)}`,
          );
        }
      }
      for (const [fault, first] of firstFinding) {
        const now = afterThird.find((f) => f.id === first.id);
        if (
          now?.status === "open" &&
          inWindow(fault, now, shiftedWindow) &&
          !seen.some((f) => f.id === now.id)
        ) {
          problems.push(`open and in the shifted period, but not seen again: ${describeFinding(now)}`);
        }
      }
      expect(problems, `run ${run.id} counts=${JSON.stringify(run.counts)}`).toEqual([]);
    },
  );
});

async function discrepancy(id: number): Promise<Finding> {
  const response = await api(discrepancyRoute, {
    path: `/api/v1/discrepancies/${id}`,
    params: { id: String(id) },
  });
  expect(response.status, response.text).toBe(200);
  return response.json() as Finding;
}

function newFindings(before: Finding[], after: Finding[]): string[] {
  const known = new Set(before.map((f) => f.id));
  return after.filter((f) => !known.has(f.id)).map((f) => `new: ${describeFinding(f)}`);
}
