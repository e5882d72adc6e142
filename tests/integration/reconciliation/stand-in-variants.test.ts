/**
 * Reconciliation against Stripe-compatible servers and webhook senders that
 * differ from Stripe, each planted with the stand-in's faults
 * (tests/fixtures/stripe-standin/faults.ts) and found through Tally's public
 * interfaces only: webhooks through the webhook route, runs enqueued over
 * REST and executed by the run executor through the real Stripe SDK.
 *
 * Each variant is its own Tally (own database, own worker) and its own
 * generated business. Expectations come from DESIGN.md's discrepancy contract
 * and the reconciliation README's rules (tests/fixtures/stripe-variants/
 * expectations.ts): every fault reported exactly once by the first run that
 * covers it, nothing on clean objects, what recovery or late webhooks fixed
 * auto-resolved by the next run, what finance resolved left alone, nothing
 * reopened or duplicated, runs over overlapping periods agreeing.
 *
 * STAND_IN_VARIANTS_SEED=<n> replays other generated businesses (each
 * variant starts from n + its offset and takes the first seed whose business
 * has room for every planted fault; a failing run names the seed it used).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FindingLedger, saysRecovered } from "../../fixtures/stripe-variants/expectations";
import {
  splitByOwnerCreated,
  variantScenario,
  type VariantOptions,
  type VariantScenario,
  type Window,
} from "../../fixtures/stripe-variants/scenario";
import { chaoticOrder } from "../../fixtures/stripe-variants/delivery";
import { chargeEventsOnly, intentEventsOnly } from "../../fixtures/stripe-variants/senders";
import {
  startVariantServer,
  type VariantServer,
  type VariantServerOptions,
} from "../../fixtures/stripe-variants/server";
import { configureTally, STRIPE_KEY, useTally, type Tally } from "../../fixtures/stripe-variants/tally";
import type { EventObject } from "../../fixtures/stripe-standin/types";

configureTally();

const HOUR = 3600;
const DAY = 86_400;
const STEP_TIMEOUT = 120_000;
const SEED = Number(process.env.STAND_IN_VARIANTS_SEED ?? 20260300);
// Five days back, 08:00–14:00 UTC: the payouts (two days later) have arrived by now.
const pastFrom = Math.floor(Date.now() / 1000 / DAY) * DAY - 5 * DAY + 8 * HOUR;

type Variant = {
  title: string;
  scenario: () => VariantOptions;
  server?: Omit<VariantServerOptions, "data" | "apiKeys">;
  /** The first two runs' period and the third run's overlapping one; by default the business's period and the same shifted by half. */
  windows?: (scenario: VariantScenario) => { first: Window; overlapping: Window };
  /** A warning the first run's progress must show. */
  warning?: RegExp;
  /** Shows that the server and sender really differ from Stripe as the title says. */
  differs?: (context: Context) => Promise<void> | void;
};

type Context = { scenario: VariantScenario; server: VariantServer; ledger: FindingLedger; tally: Tally };

function useVariant(variant: Variant, label: string): Context {
  const tally = useTally(label);
  const context = { tally } as Context;
  beforeAll(async () => {
    context.scenario = variantScenario(variant.scenario());
    context.server = await startVariantServer({
      data: context.scenario.standin,
      apiKeys: [STRIPE_KEY],
      ...variant.server,
    });
    await tally.start(context.server.url);
    context.ledger = new FindingLedger(context.scenario.faults, {
      recovery: variant.server?.eventsApi !== "absent",
      healable: (objectId) => context.scenario.healable.has(objectId),
      // With its own ids in the event list every listed event is one Tally never received, copies of the
      // delivered ones included: recovering them may or may not correct a drifted object, depending on
      // how processing orders two snapshots of the same moment.
      mayHeal: variant.server?.eventIds === "minted",
      explain: context.scenario.explain,
    });
  }, STEP_TIMEOUT);
  afterAll(async () => {
    await context.server?.stop();
  });
  return context;
}

async function deliverAll(
  context: Context,
  events: readonly EventObject[],
  { seed, chaotic, settle }: { seed: number; chaotic?: boolean; settle: boolean },
) {
  const report = await context.tally.deliver(events, { seed, chaotic });
  expect(report.failures).toEqual([]);
  expect(report.acknowledgedAsDuplicate).toBeGreaterThanOrEqual(report.repeated);
  if (settle) {
    const byStatus = await context.tally.drain();
    expect(byStatus.dead ?? 0, `dead letters: ${JSON.stringify(byStatus)}`).toBe(0);
  }
}

async function reconcileAndCheck(
  context: Context,
  window: Window,
  extra: (problems: string[], run: Awaited<ReturnType<Tally["reconcile"]>>) => void = () => {},
) {
  const { tally, ledger } = context;
  const run = await tally.reconcile(window);
  expect(run.error ?? null, JSON.stringify(run)).toBeNull();
  expect(run.status, JSON.stringify(run)).toBe("succeeded");
  const seen = await tally.findings(`&run_id=${run.id}`);
  const all = await tally.findings();
  const problems = await ledger.check({ window, seen, all, current: tally.discrepancy });
  extra(problems, run);
  expect(
    problems,
    `seed ${context.scenario.base.seed}, run ${run.id} counts=${JSON.stringify(run.counts)}`,
  ).toEqual([]);
}

function recoveryNoted(context: Context, problems: string[]) {
  for (const { finding } of context.ledger.firstFindings()) {
    if (finding.kind !== "missing_internal") continue;
    if (saysRecovered(finding)) continue;
    problems.push(`missing_internal without a word of recovery: #${finding.id} on ${finding.object_id}`);
  }
}

async function financeResolvesOne(context: Context) {
  const chosen = context.ledger.pickForFinance();
  expect(chosen, "the first run found no fault for finance to resolve").toBeDefined();
  await context.tally.resolve(chosen!.finding.id, "written_off", "difference accepted");
  chosen!.mark();
}

/** Webhooks, a run, late webhooks and the same run again, then a run over an overlapping period. */
function variantSuite(variant: Variant, index: number) {
  describe(variant.title, () => {
    const context = useVariant(variant, `variant-${index}`);
    const windows = () =>
      variant.windows?.(context.scenario) ?? {
        first: context.scenario.window,
        overlapping: {
          from: context.scenario.window.from + 3 * HOUR,
          to: context.scenario.window.to + 3 * HOUR,
        },
      };

    if (variant.differs) {
      const differs = variant.differs;
      it("serves and sends what the title says", async () => {
        await differs(context);
      });
    }

    it("takes every webhook the sender sends and processes it", { timeout: STEP_TIMEOUT }, async () => {
      await deliverAll(context, context.scenario.deliveries, { seed: index, settle: true });
      await context.tally.configureFinance(context.scenario);
    });

    it(
      "run 1 reports every planted fault it covers once and nothing else",
      { timeout: STEP_TIMEOUT },
      async () => {
        await reconcileAndCheck(context, windows().first, (problems, run) => {
          if (variant.server?.eventsApi !== "absent") recoveryNoted(context, problems);
          if (variant.warning) {
            const warnings = run.progress?.warnings;
            const listed = Array.isArray(warnings) ? warnings : [];
            if (!listed.some((w) => variant.warning!.test(JSON.stringify(w)))) {
              problems.push(
                `no warning matching ${variant.warning} in progress: ${JSON.stringify(run.progress)}`,
              );
            }
          }
        });
      },
    );

    it(
      "run 2, after late webhooks, auto-resolves what was fixed and keeps the rest",
      { timeout: STEP_TIMEOUT },
      async () => {
        await financeResolvesOne(context);
        await deliverAll(context, context.scenario.late, { seed: index + 100, settle: true });
        context.scenario.markLateDelivered();
        context.ledger.lateDelivered();
        await reconcileAndCheck(context, windows().first);
      },
    );

    it(
      "run 3, over an overlapping period, reports only what it newly covers and changes nothing else",
      { timeout: STEP_TIMEOUT },
      async () => {
        await reconcileAndCheck(context, windows().overlapping);
      },
    );
  });
}

/** A GET to the variant's server with the API key, as the SDK would send it. */
async function get(
  context: Context,
  path: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${context.server.url}${path}`, {
    headers: { authorization: `Bearer ${STRIPE_KEY}` },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function listed(context: Context, path: string): Promise<Record<string, unknown>[]> {
  const { status, body } = await get(context, path);
  expect(status, JSON.stringify(body)).toBe(200);
  return body.data as Record<string, unknown>[];
}

const sentTypes = ({ scenario }: Context) =>
  [...new Set([...scenario.deliveries, ...scenario.late].map((event) => event.type))].sort();

const variants: Variant[] = [
  {
    title: "a minimal webhook sender: charge.succeeded, charge.refunded, charge.dispute.created, payout.paid",
    scenario: () => ({ seed: SEED + 2, from: pastFrom, sender: chargeEventsOnly }),
    differs: (context) => {
      expect(sentTypes(context)).toEqual([
        "charge.dispute.created",
        "charge.refunded",
        "charge.succeeded",
        "payout.paid",
      ]);
      const refunded = context.scenario.deliveries.find((event) => event.type === "charge.refunded");
      expect(refunded?.data.object).not.toHaveProperty("refunds");
      expect(context.scenario.leftOut.length).toBeGreaterThan(0);
    },
  },
  {
    title: "a payment-intent-only webhook sender: payment_intent.*, refund.created, charge.dispute.created",
    scenario: () => ({ seed: SEED + 3, from: pastFrom, sender: intentEventsOnly }),
    differs: (context) => {
      const types = sentTypes(context);
      expect(types.filter((type) => type.startsWith("charge.") && type !== "charge.dispute.created")).toEqual(
        [],
      );
      expect(types.filter((type) => type.startsWith("refund."))).toEqual(["refund.created"]);
      expect(types).toContain("payment_intent.succeeded");
      expect(context.scenario.leftOut.length).toBeGreaterThan(0);
    },
  },
  {
    title: "the old API shape: intents list their charges, charges embed refunds, refunds name no intent",
    scenario: () => ({ seed: SEED + 5, from: pastFrom, oldApiShape: true }),
    server: { ignore: { expansions: ["latest_charge"] } },
    differs: async (context) => {
      const intents = await listed(context, "/v1/payment_intents?limit=20&expand[]=data.latest_charge");
      for (const intent of intents) {
        expect(intent).not.toHaveProperty("latest_charge");
        expect(intent.charges).toMatchObject({ object: "list", has_more: false });
      }
      for (const charge of await listed(context, "/v1/charges?limit=20")) {
        expect(charge.refunds).toMatchObject({ object: "list" });
      }
      const refunds = await listed(context, "/v1/refunds?limit=20");
      expect(refunds.length).toBeGreaterThan(0);
      for (const refund of refunds) expect(refund).toMatchObject({ payment_intent: null });
      const sent = context.scenario.deliveries.find((event) => event.type === "payment_intent.succeeded");
      expect(sent?.data.object).toHaveProperty("charges.object", "list");
      expect(sent?.data.object).not.toHaveProperty("latest_charge");
    },
  },
  {
    title: "no events API: /v1/events answers 404",
    scenario: () => ({ seed: SEED + 7, from: pastFrom }),
    server: { eventsApi: "absent" },
    warning: /event/i,
    differs: async (context) => {
      const { status, body } = await get(context, "/v1/events?limit=3");
      expect(status).toBe(404);
      expect(body).toMatchObject({ error: { type: "invalid_request_error" } });
    },
  },
  {
    title: "event ids of the server's own in its event list, late webhooks re-sent under new ids",
    scenario: () => ({ seed: SEED + 8, from: pastFrom, lateWithNewIds: true }),
    server: { eventIds: "minted" },
    differs: async (context) => {
      const sent = new Set(context.scenario.deliveries.map((event) => event.id));
      const events = await listed(context, "/v1/events?limit=100");
      expect(events.length).toBe(100);
      expect(events.filter((event) => sent.has(String(event.id)))).toEqual([]);
      const next = await listed(context, `/v1/events?limit=5&starting_after=${String(events.at(-1)!.id)}`);
      expect(next.length).toBe(5);
      const one = await get(context, `/v1/events/${String(events[0]!.id)}`);
      expect(one.body.id).toBe(events[0]!.id);
      const known = new Set([...sent, ...context.scenario.standin.events.map((event) => event.id)]);
      expect(context.scenario.late.length).toBeGreaterThan(0);
      expect(context.scenario.late.filter((event) => known.has(event.id))).toEqual([]);
    },
  },
  (() => {
    let now = 0;
    return {
      title: "just now: everything created in the last ten minutes, a period reaching past now",
      scenario: () => {
        now = Math.floor(Date.now() / 1000);
        return {
          seed: SEED + 14,
          from: pastFrom,
          squeezeInto: { start: now - 540, end: now - 60, tailEnd: now - 5 },
        };
      },
      windows: () => ({
        first: { from: now - HOUR, to: now + 300 },
        overlapping: { from: now - 300, to: now + HOUR },
      }),
      differs: ({ scenario }) => {
        const created = [...scenario.standin.objects.values()].map((object) => object.created);
        expect(Math.min(...created)).toBeGreaterThanOrEqual(now - 600);
        expect(Math.max(...created)).toBeLessThanOrEqual(now);
        expect(Math.max(...scenario.deliveries.map((event) => event.created))).toBeLessThanOrEqual(now);
      },
    } satisfies Variant;
  })(),
  {
    title:
      "upper-case currencies on one side: the API says EUR where webhooks say eur, and the other way round",
    scenario: () => ({ seed: SEED + 15, from: pastFrom, mixedCurrencyCase: true }),
    differs: ({ scenario }) => {
      const sides = new Set<string>();
      for (const event of scenario.deliveries) {
        const object = event.data.object;
        const api = scenario.standin.objects.get(object.id);
        if (!api || !("currency" in api) || !("currency" in object)) continue;
        if (
          api.currency.toLowerCase() === object.currency.toLowerCase() &&
          api.currency !== object.currency
        ) {
          sides.add(api.currency === api.currency.toUpperCase() ? "upper at the API" : "upper in webhooks");
        }
      }
      expect([...sides].sort()).toEqual(["upper at the API", "upper in webhooks"]);
    },
  },
  {
    title: "a server that ignores expand[]: references stay ids",
    scenario: () => ({ seed: SEED + 16, from: pastFrom }),
    server: { ignore: { expansions: "all" } },
    differs: async (context) => {
      const charges = await listed(context, "/v1/charges?limit=20&expand[]=data.balance_transaction");
      const settled = charges.filter((charge) => charge.balance_transaction !== null);
      expect(settled.length).toBeGreaterThan(0);
      for (const charge of settled) expect(typeof charge.balance_transaction).toBe("string");
    },
  },
  {
    title: "a server that ignores created filters: every list answers with the whole account",
    scenario: () => ({ seed: SEED + 17, from: pastFrom }),
    server: { ignore: { createdFilter: true } },
    windows: ({ window }) => ({
      first: { from: window.from, to: window.from + 3 * HOUR },
      overlapping: { from: window.from + 90 * 60, to: window.to },
    }),
    differs: async (context) => {
      const since = context.scenario.window.from + 3 * HOUR;
      const intents = await listed(context, `/v1/payment_intents?limit=100&created[gte]=${since}`);
      expect(intents.some((intent) => Number(intent.created) < since)).toBe(true);
    },
  },
];

variants.forEach((variant, index) => variantSuite(variant, index + 1));

describe("webhooks out of order and repeated, and a run started while the worker is still busy", () => {
  const context = useVariant(
    { title: "chaos", scenario: () => ({ seed: SEED + 18, from: pastFrom }) },
    "chaos",
  );
  const halves = () => {
    const { window } = context.scenario;
    const mid = window.from + (window.to - window.from) / 2;
    return { mid, split: splitByOwnerCreated(context.scenario, context.scenario.deliveries, mid) };
  };

  it("sends each event one to three times, out of order", () => {
    const order = chaoticOrder(context.scenario.deliveries, { seed: 8 });
    const counts = new Map<string, number>();
    for (const event of order) counts.set(event.id, (counts.get(event.id) ?? 0) + 1);
    expect(new Set(counts.values())).toEqual(new Set([1, 2, 3]));
    const late = order.filter((event, i) => i > 0 && event.created < order[i - 1]!.created);
    expect(late.length).toBeGreaterThan(order.length / 10);
  });

  it(
    "takes the first half's webhooks, each one to three times, shuffled within minutes",
    { timeout: STEP_TIMEOUT },
    async () => {
      const [first] = halves().split;
      await deliverAll(context, first, { seed: 8, chaotic: true, settle: true });
      await context.tally.configureFinance(context.scenario);
    },
  );

  it(
    "run 1 over the first half reports its faults once and nothing else",
    { timeout: STEP_TIMEOUT },
    async () => {
      await reconcileAndCheck(context, { from: context.scenario.window.from, to: halves().mid }, (problems) =>
        recoveryNoted(context, problems),
      );
    },
  );

  it(
    "run 2 over the whole period, started while the second half's webhooks wait in the queue, reports no missing_internal for them",
    { timeout: STEP_TIMEOUT },
    async () => {
      await financeResolvesOne(context);
      const [, second] = halves().split;
      await context.tally.stopWorker();
      await deliverAll(context, second, { seed: 88, chaotic: true, settle: false });
      await context.tally.startWorker();
      const waiting = await context.tally.backlog();
      expect(waiting, "the burst was already processed: the run would not race it").toBeGreaterThan(0);
      await reconcileAndCheck(context, context.scenario.window, (problems) =>
        recoveryNoted(context, problems),
      );
    },
  );

  it(
    "run 3, after late webhooks, auto-resolves what was fixed and adds nothing",
    { timeout: STEP_TIMEOUT },
    async () => {
      await deliverAll(context, context.scenario.late, { seed: 888, chaotic: true, settle: true });
      context.scenario.markLateDelivered();
      context.ledger.lateDelivered();
      await reconcileAndCheck(context, context.scenario.window);
    },
  );
});
