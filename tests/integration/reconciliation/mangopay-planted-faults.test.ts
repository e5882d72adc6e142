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
import { mangopayScenario, type MangopayEvent } from "../../fixtures/planted/mangopay-business";
import {
  itFindsEveryPlantedFault,
  itKeepsFindingsStable,
  plantedPeriods,
  plantedRuns,
} from "../../fixtures/planted/runs";
import { sendAsDelivered } from "../../fixtures/planted/deliver";
import { useTestDatabase } from "../helpers/db";
import { setEnv } from "../providers/env";

const ADMIN_TOKEN = `admin_${randomBytes(16).toString("hex")}`;
const DAY = 86_400;

useTestDatabase();

const { seed: SEED, from, first: firstPeriod, shifted: shiftedPeriod } = plantedPeriods();
const scenario = mangopayScenario({ seed: SEED, from, hours: 6 });

let fake: FakeMangopay;
let worker: Worker;

/** Calls Tally's hook URL as MangoPay does: GET, the three parameters, a few at a time, some twice. */
function sendHooks(hooks: readonly MangopayEvent[], seed: number): Promise<string[]> {
  return sendAsDelivered(
    hooks.map((hook) => ({ hook, created: hook.Date })),
    {
      seed,
      send: async ({ hook }) => {
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
        return response.status === 200 ? null : `${query} → ${response.status} ${await response.text()}`;
      },
    },
  );
}

const hookId = (hook: MangopayEvent) => `${hook.EventType}:${hook.ResourceId}:${hook.Date}`;

const runs = plantedRuns({
  provider: "mangopay",
  adminToken: ADMIN_TOKEN,
  execute: () => processQueuedRuns({ holder: "mangopay-planted-faults" }),
  faults: scenario.faults,
  explain: scenario.explain,
  period: firstPeriod,
  shifted: shiftedPeriod,
});
const { tally, verdict } = runs;

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

  itFindsEveryPlantedFault(runs);

  it("says each missed hook was recovered, and the explorer marks the recovered events", async () => {
    const found = runs.found;
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
    // Every hook of the period that never came is recovered, and only hooks that never came are.
    const withheld = new Set(
      scenario.eventList.filter((hook) => !scenario.deliveries.includes(hook)).map(hookId),
    );
    const missedInPeriod = [...withheld].filter((id) => {
      const date = Number(id.split(":").at(-1));
      return date >= firstPeriod.from && date < firstPeriod.to;
    });
    expect(
      [...recovered].filter((id) => !withheld.has(id)),
      "recovered, yet delivered",
    ).toEqual([]);
    expect(
      missedInPeriod.filter((id) => !recovered.has(id)),
      "missed, yet not recovered",
    ).toEqual([]);
  });

  itKeepsFindingsStable(runs, {
    what: "late hooks and recovery",
    preferKind: "amount_mismatch",
    note: "difference accepted with MangoPay",
    beforeSecond: async () => {
      expect(await sendHooks(scenario.late, SEED + 1)).toEqual([]);
      await tally.drain();
    },
  });
});
