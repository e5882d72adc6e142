/**
 * Planted faults in an Adyen merchant's day, found through Tally's public
 * interfaces only.
 *
 * Adyen's books are its settlement details reports: a generated day of
 * payments, refunds and chargebacks is written as the report Adyen publishes
 * (CET times, per-line fees, batches paid out), in two reports that overlap
 * by half a day, imported over the REST API. Tally's side is built from
 * Adyen's standard notifications, HMAC-signed through Adyen's own library,
 * sent to the webhook route minus the ones faults withhold and with the ones
 * faults alter, and processed by Tally's worker. Runs are enqueued over the
 * REST API and executed by Tally's run executor.
 *
 * The expected findings are derived from what was planted
 * (tests/fixtures/planted/adyen-business.ts), by DESIGN.md's discrepancy
 * contract. Three runs:
 * 1. every planted fault is reported exactly once and nothing else;
 * 2. after the withheld notifications arrive late (and finance resolved one
 *    finding), the same period again: what they fixed is auto_resolved, the
 *    rest is seen again under the same discrepancy, the resolved one stays
 *    resolved, nothing new;
 * 3. a period shifted by half its length: nothing new, nothing changes status.
 *
 * PLANTED_FAULTS_SEED=<n> replays another generated day.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as importRoute } from "@/app/api/v1/settlement-reports/adyen/route";
import { POST as webhookRoute } from "@/app/api/webhooks/[provider]/route";
import { startWorker, type Worker } from "@/lib/processing/worker";
import { processQueuedRuns } from "@/lib/reconciliation/execute";
import { adyenDelivery, TEST_ADYEN_KEY } from "../../fixtures/adyen";
import { ADYEN_FEE_SCHEDULE, adyenScenario, type Notification } from "../../fixtures/planted/adyen-business";
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

useTestDatabase();

// Its settlement lines run into the evening.
const { seed: SEED, from, first: firstPeriod, shifted: shiftedPeriod } = plantedPeriods();
const scenario = adyenScenario({ seed: SEED, from, hours: 6 });

let worker: Worker;

/** Sends each item as Adyen does: one signed notification per request, a few at a time, some twice. */
function sendNotifications(notifications: readonly Notification[], seed: number): Promise<string[]> {
  return sendAsDelivered(notifications, {
    seed,
    send: async ({ item }) => {
      const { body, headers } = adyenDelivery([item]);
      const response = await webhookRoute(
        new Request("http://tally.test/api/webhooks/adyen", { method: "POST", headers, body }),
        { params: Promise.resolve({ provider: "adyen" }) },
      );
      const text = await response.text();
      return response.status === 200 && text === "[accepted]"
        ? null
        : `${String(item.eventCode)} ${String(item.pspReference)} → ${response.status} ${text}`;
    },
  });
}

const runs = plantedRuns({
  provider: "adyen",
  adminToken: ADMIN_TOKEN,
  execute: () => processQueuedRuns({ holder: "adyen-planted-faults" }),
  faults: scenario.faults,
  explain: scenario.explain,
  period: firstPeriod,
  shifted: shiftedPeriod,
});
const { tally } = runs;

beforeAll(async () => {
  setEnv({
    ADYEN_HMAC_KEYS: TEST_ADYEN_KEY,
    API_TOKEN: ADMIN_TOKEN,
    SIMULATE: "0",
    PROCESSING_BACKOFF_MS: "100",
  });
  worker = await startWorker({ jobs: [], pollMs: 200 });
  await tally.signIn("adyen planted faults");
}, 120_000);

afterAll(async () => {
  await worker?.stop();
});

describe("the generated Adyen day", () => {
  it("keeps its books consistent: fees per schedule, batches paid out at their net", () => {
    const planted = new Set(scenario.faults.flatMap((f) => f.accept.map((a) => a.objectId)));
    expect(scenario.payments.length).toBeGreaterThanOrEqual(100);
    for (const line of scenario.lines) {
      if (line.type !== "Settled" || planted.has(line.psp!)) continue;
      const rule = ADYEN_FEE_SCHEDULE.rules.find((r) => r.currency === line.currency.toLowerCase())!;
      const fee = Object.values(line.fees ?? {}).reduce((sum, part) => sum + (part ?? 0), 0);
      expect(fee, line.psp).toBe(Math.round((line.grossCredit! * rule.percent) / 100) + rule.fixed);
      expect(line.netCredit).toBe(line.grossCredit! - fee);
    }
    for (const payout of scenario.lines.filter((line) => line.type === "MerchantPayout")) {
      const net = scenario.lines
        .filter((line) => line.batch === payout.batch && line.type !== "MerchantPayout")
        .reduce((sum, line) => sum + (line.netCredit ?? 0) - (line.netDebit ?? 0), 0);
      if (!planted.has(`TallyPlantedMerchant:batch:${payout.batch}`)) expect(payout.netDebit).toBe(net);
    }
    expect(scenario.lines.some((line) => line.type === "Refunded")).toBe(true);
    expect(scenario.lines.some((line) => line.type === "Chargeback")).toBe(true);
  });
});

describe("reconciliation over Adyen settlement reports with planted faults", () => {
  it(
    "takes every notification and processes it; finance imports the reports",
    { timeout: 300_000 },
    async () => {
      expect(await sendNotifications(scenario.deliveries, SEED)).toEqual([]);
      const byStatus = await tally.drain();
      expect(byStatus.dead ?? 0, `dead letters: ${JSON.stringify(byStatus)}`).toBe(0);
      const stored = new Set(
        scenario.deliveries.map((n) => `${String(n.item.eventCode)}:${String(n.item.pspReference)}`),
      );
      expect((byStatus.processed ?? 0) + (byStatus.ignored ?? 0), JSON.stringify(byStatus)).toBe(stored.size);

      await tally.putFeeSchedule(ADYEN_FEE_SCHEDULE);
      for (const report of scenario.reports) {
        const response = await tally.call(importRoute as Parameters<typeof tally.call>[0], {
          method: "POST",
          path: `/api/v1/settlement-reports/adyen?from=${report.from}&to=${report.to}`,
          token: tally.finance,
          body: report.csv,
        });
        expect(response.status, response.text).toBe(201);
      }
    },
  );

  itFindsEveryPlantedFault(runs);

  itKeepsFindingsStable(runs, {
    what: "the late notifications",
    preferKind: "fee_mismatch",
    note: "fee difference accepted",
    beforeSecond: async () => {
      expect(await sendNotifications(scenario.late, SEED + 1)).toEqual([]);
      await tally.drain();
    },
  });
});
