/**
 * Planted faults in a MangoPay business, found through Tally's public
 * interfaces only.
 *
 * The MangoPay stand-in (tests/fixtures/fake-mangopay.ts, MangoPay API v2.01
 * as documented) serves a generated platform's pay-ins, refunds, disputes and
 * payouts and its event list; its hooks go to Tally's webhook route as
 * MangoPay sends them (GET with EventType, RessourceId and Date), minus the
 * ones faults withhold; Tally's worker processes them, fetching each resource
 * through the real MangoPay SDK. Finance imports the bank statement over the
 * REST API; runs are enqueued over the REST API and executed by Tally's run
 * executor against the stand-in.
 *
 * The expected findings are derived from what was planted
 * (tests/fixtures/planted/mangopay-business.ts), by DESIGN.md's discrepancy
 * contract. Three runs:
 * 1. every planted fault is reported exactly once and nothing else; each
 *    missed hook's finding says it was recovered;
 * 2. after late hooks for some faults (and finance resolving one finding),
 *    the same period again: what recovery or the late hooks fixed is
 *    auto_resolved, the rest is seen again under the same discrepancy, the
 *    resolved one stays resolved, nothing new;
 * 3. a period shifted by half its length: nothing new, nothing changes status.
 *
 * PLANTED_FAULTS_SEED=<n> replays another generated business.
 */
import { randomBytes } from "node:crypto";
import MangoPay from "mangopay2-nodejs-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as webhookRoute } from "@/app/api/webhooks/[provider]/route";
import { GET as eventsRoute } from "@/app/api/v1/events/route";
import { startWorker, type Worker } from "@/lib/processing/worker";
import { processQueuedRuns } from "@/lib/reconciliation/execute";
import { startFakeMangopay, type FakeMangopay } from "../../fixtures/fake-mangopay";
import { plantedApi } from "../../fixtures/planted/api";
import type { PlantedFault } from "../../fixtures/planted/faults";
import { mangopayScenario, type MangopayEvent } from "../../fixtures/planted/mangopay-business";
import { plantedVerdict, type Finding } from "../../fixtures/planted/verdict";
import { deliveryOrder } from "../../fixtures/stripe-standin/deliver";
import { useTestDatabase } from "../helpers/db";
import { setEnv } from "../providers/env";

const SEED = Number(process.env.PLANTED_FAULTS_SEED ?? 20260301);
const ADMIN_TOKEN = `admin_${randomBytes(16).toString("hex")}`;
const HOUR = 3600;
const DAY = 86_400;

useTestDatabase();

// Five days back, 08:00–14:00 UTC: every payout has executed by now.
const from = Math.floor(Date.now() / 1000 / DAY) * DAY - 5 * DAY + 8 * HOUR;
const scenario = mangopayScenario({ seed: SEED, from, hours: 6 });
const firstPeriod = { from, to: from + 6 * HOUR };
const shiftedPeriod = { from: from + 3 * HOUR, to: from + 9 * HOUR };
const verdict = plantedVerdict({ provider: "mangopay", faults: scenario.faults, explain: scenario.explain });
const tally = plantedApi({
  provider: "mangopay",
  adminToken: ADMIN_TOKEN,
  execute: () => processQueuedRuns({ holder: "mangopay-planted-faults" }),
});

let fake: FakeMangopay;
let worker: Worker;

/** Calls Tally's hook URL as MangoPay does: GET, the three parameters, a few at a time, some twice. */
async function sendHooks(hooks: readonly MangopayEvent[], seed: number): Promise<string[]> {
  const order = deliveryOrder(
    hooks.map((hook) => ({ hook, created: hook.Date })),
    { seed },
  );
  const failures: string[] = [];
  for (let i = 0; i < order.length; i += 6) {
    await Promise.all(
      order.slice(i, i + 6).map(async ({ hook }) => {
        const query = new URLSearchParams({
          EventType: hook.EventType,
          RessourceId: hook.ResourceId,
          Date: String(hook.Date),
        });
        const response = await webhookRoute(
          new Request(`http://tally.test/api/webhooks/mangopay?${query}`, {
            headers: { "user-agent": "MangoPay-Hook/2.01" },
          }),
          { params: Promise.resolve({ provider: "mangopay" }) },
        );
        if (response.status !== 200) failures.push(`${query} → ${response.status} ${await response.text()}`);
      }),
    );
  }
  return failures;
}

const hookId = (hook: MangopayEvent) => `${hook.EventType}:${hook.ResourceId}:${hook.Date}`;

let found = new Map<PlantedFault, Finding>();
let afterFirst: Finding[] = [];
let afterSecond: Finding[] = [];
let financeResolved: PlantedFault | undefined;

beforeAll(async () => {
  fake = await startFakeMangopay();
  for (const { kind, resource } of scenario.served) fake.put(kind, resource);
  for (const event of scenario.eventList) fake.addEvent(event);
  setEnv({
    MANGOPAY_CLIENT_ID: fake.clientId,
    MANGOPAY_API_KEY: fake.apiKey,
    MANGOPAY_BASE_URL: fake.url,
    API_TOKEN: ADMIN_TOKEN,
    SIMULATE: "0",
    PROCESSING_BACKOFF_MS: "100",
  });
  worker = await startWorker({ jobs: [], pollMs: 200 });
  await tally.signIn("mangopay planted faults");
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await fake?.close();
});

describe("the MangoPay stand-in", () => {
  const sdk = () =>
    new MangoPay({
      clientId: fake.clientId,
      clientApiKey: fake.apiKey,
      baseUrl: fake.url,
      errorHandler: () => {},
    });

  it("pages the event list oldest first through the real SDK and answers 404 for unknown resources", async () => {
    const api = sdk() as unknown as {
      Events: {
        getAll: (
          options: object,
        ) => Promise<{ body?: unknown; data?: unknown; headers: Record<string, string> }>;
      };
      PayIns: { get: (id: string) => Promise<unknown> };
    };
    const listed: MangopayEvent[] = [];
    for (let page = 1; ; page++) {
      const response = await api.Events.getAll({
        resolveWithFullResponse: true,
        parameters: { AfterDate: from, BeforeDate: from + DAY, Page: page, Per_Page: 100, Sort: "Date:ASC" },
      });
      listed.push(...((response.body ?? response.data) as MangopayEvent[]));
      if (page >= Number(response.headers["x-number-of-pages"])) break;
    }
    expect(listed.length).toBe(scenario.eventList.filter((e) => e.Date <= from + DAY).length);
    const dates = listed.map((e) => e.Date);
    expect(dates).toEqual([...dates].sort((a, b) => a - b));
    await expect(api.PayIns.get("payin_m_01nope")).rejects.toMatchObject({ Type: "ressource_not_found" });
  });

  it("keeps the generated books consistent", () => {
    const served = new Set(scenario.served.map((s) => s.resource.Id));
    for (const event of scenario.eventList) expect(served.has(event.ResourceId), hookId(event)).toBe(true);
    for (const payIn of scenario.payIns) {
      const refunded = payIn.refunds.reduce((sum, r) => sum + r.amount, 0);
      expect(refunded, payIn.id).toBeLessThanOrEqual(payIn.amount);
      if (payIn.refunds.length || payIn.dispute) expect(payIn.status).toBe("SUCCEEDED");
    }
    expect(scenario.payIns.length).toBeGreaterThanOrEqual(100);
    expect(scenario.payIns.some((p) => p.refunds.length > 0)).toBe(true);
    expect(scenario.payIns.some((p) => p.dispute)).toBe(true);
  });
});

describe("reconciliation over a MangoPay business with planted faults", () => {
  it("takes every hook and processes it, then MangoPay's answers drift", { timeout: 300_000 }, async () => {
    expect(await sendHooks(scenario.deliveries, SEED)).toEqual([]);
    const byStatus = await tally.drain();
    expect(byStatus.dead ?? 0, `dead letters: ${JSON.stringify(byStatus)}`).toBe(0);
    const stored = new Set(scenario.deliveries.map(hookId)).size;
    expect((byStatus.processed ?? 0) + (byStatus.ignored ?? 0), JSON.stringify(byStatus)).toBe(stored);
    for (const { kind, resource } of scenario.afterwards.put) fake.put(kind, resource);
    for (const { kind, resource } of scenario.afterwards.remove) fake.remove(kind, resource.Id);
    await tally.importBankStatement(scenario.bankStatementCsv);
  });

  it("reports every planted fault exactly once and nothing else", { timeout: 300_000 }, async () => {
    const run = await tally.reconcile(firstPeriod);
    expect(run.error ?? null, JSON.stringify(run)).toBeNull();
    expect(run.status).toBe("succeeded");
    afterFirst = await tally.findings("");
    const verdictOfRun = verdict.firstRun(await tally.findings(`&run_id=${run.id}`));
    found = verdictOfRun.found;
    expect(verdictOfRun.problems, `run ${run.id} counts=${JSON.stringify(run.counts)}`).toEqual([]);
  });

  it("says each missed hook was recovered, and the explorer marks the recovered events", async () => {
    expect(found.size, "the first run found no planted fault to look at").toBeGreaterThan(0);
    expect(verdict.unrecovered(found, (fault) => fault.remedy !== null)).toEqual([]);
    for (const [fault, finding] of found) {
      if (fault.remedy === null) continue;
      expect(finding.resolution, verdict.describeFinding(finding)).toBe("recovered");
      expect(finding.details, verdict.describeFinding(finding)).toMatchObject({ recovered: true });
    }
    const response = await tally.call(eventsRoute as Parameters<typeof tally.call>[0], {
      path: "/api/v1/events?provider=mangopay&limit=500",
    });
    expect(response.status, response.text).toBe(200);
    const page = response.json() as {
      data: { provider_event_id: string; recovered: boolean }[];
      next_cursor: string | null;
    };
    expect(page.next_cursor).toBeNull();
    const events = page.data;
    const recovered = new Set(events.filter((e) => e.recovered).map((e) => e.provider_event_id));
    const missed = scenario.eventList.filter(
      (hook) =>
        !scenario.deliveries.includes(hook) && hook.Date >= firstPeriod.from && hook.Date < firstPeriod.to,
    );
    expect([...recovered].sort()).toEqual(missed.map(hookId).sort());
  });

  it(
    "auto-resolves what late hooks and recovery fixed, keeps the rest, adds nothing",
    { timeout: 300_000 },
    async () => {
      // Finance settles one finding by hand; it must stay resolved.
      financeResolved =
        scenario.faults.find(
          (f) => f.remedy === null && found.has(f) && f.accept[0]!.kind === "amount_mismatch",
        ) ?? scenario.faults.find((f) => f.remedy === null && found.has(f));
      if (financeResolved)
        await tally.resolve(found.get(financeResolved)!.id, {
          resolution: "written_off",
          note: "difference accepted with MangoPay",
        });

      expect(await sendHooks(scenario.late, SEED + 1)).toEqual([]);
      await tally.drain();
      const run = await tally.reconcile(firstPeriod);
      expect(run.error ?? null, JSON.stringify(run)).toBeNull();
      expect(run.status).toBe("succeeded");

      afterSecond = await tally.findings("");
      const problems = verdict.secondRun({
        seen: await tally.findings(`&run_id=${run.id}`),
        before: afterFirst,
        after: afterSecond,
        found,
        now: await tally.discrepancies([...found.values()].map((f) => f.id)),
        resolved: financeResolved,
      });
      expect(problems, `run ${run.id} counts=${JSON.stringify(run.counts)}`).toEqual([]);
    },
  );

  it(
    "finds nothing new and reopens nothing over a period shifted by half its length",
    { timeout: 300_000 },
    async () => {
      const run = await tally.reconcile(shiftedPeriod);
      expect(run.error ?? null, JSON.stringify(run)).toBeNull();
      expect(run.status).toBe("succeeded");
      const problems = verdict.overlappingRun({
        seen: await tally.findings(`&run_id=${run.id}`),
        before: afterSecond,
        after: await tally.findings(""),
        found,
        period: shiftedPeriod,
      });
      expect(problems, `run ${run.id} counts=${JSON.stringify(run.counts)}`).toEqual([]);
    },
  );
});
