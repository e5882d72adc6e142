import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawSql } from "@/db";
import { GET as listRoute } from "@/app/api/v1/discrepancies/route";
import { GET as runRoute } from "@/app/api/v1/reconciliation/runs/[id]/route";
import { POST as enqueueRoute } from "@/app/api/v1/reconciliation/runs/route";
import { insertToken } from "@/lib/auth/tokens";
import { processQueuedRuns } from "@/lib/reconciliation/execute";
import {
  mangopayDispute,
  mangopayPayIn,
  mangopayRefund,
  startFakeMangopay,
  type FakeMangopay,
} from "../../fixtures/fake-mangopay";
import { useTestDatabase } from "../helpers/db";
import { callRoute } from "../helpers/http";
import { drain } from "../processing/helpers";
import { setEnv } from "../providers/env";
import { webhookGet } from "../providers/pipeline";

/**
 * A MangoPay run through the fake MangoPay API and the real SDK: hooks are
 * delivered through the webhook route and processed (processing fetches each
 * resource); one dispute's hook never arrives, and one refund's amount
 * changes at MangoPay after we processed it.
 */
useTestDatabase();
let fake: FakeMangopay;
let finance: string;
let viewer: string;
const from = new Date(Date.now() - 3600_000);
const to = new Date(Date.now() + 3600_000);
let clock = Math.floor(Date.now() / 1000) - 1800;

type Row = {
  kind: string;
  object_id: string;
  status: string;
  resolution: string | null;
  expected_amount: number | null;
  actual_amount: number | null;
  details: Record<string, unknown>;
};
const keyOf = (row: Row) => `${row.kind}:${row.object_id}`;

/** MangoPay records the event in its event list; `deliver` says whether its hook reaches us. */
async function happen(eventType: string, resourceId: string, { deliver = true } = {}) {
  const date = ++clock;
  fake.addEvent({ EventType: eventType, ResourceId: resourceId, Date: date });
  if (!deliver) return `${eventType}:${resourceId}:${date}`;
  const response = await callRoute(webhookGet, {
    path: `/api/webhooks/mangopay?EventType=${eventType}&RessourceId=${resourceId}&Date=${date}`,
    params: { provider: "mangopay" },
  });
  expect(response.status).toBe(200);
  return `${eventType}:${resourceId}:${date}`;
}

async function runOnce(): Promise<number> {
  const queued = await callRoute(enqueueRoute, {
    method: "POST",
    path: "/api/v1/reconciliation/runs",
    token: finance,
    body: JSON.stringify({
      provider: "mangopay",
      from: from.toISOString(),
      to: to.toISOString(),
      kind: "transactions",
    }),
  });
  expect(queued.status).toBe(202);
  const { id } = queued.json() as { id: number };
  await processQueuedRuns({ holder: "mangopay-test" });
  const run = await callRoute(runRoute, {
    path: `/api/v1/reconciliation/runs/${id}`,
    params: { id: String(id) },
    token: viewer,
  });
  expect(run.json()).toMatchObject({ status: "succeeded", error: null });
  return id;
}

async function listAll(query = ""): Promise<Row[]> {
  const response = await callRoute(listRoute, {
    path: `/api/v1/discrepancies?provider=mangopay&limit=500${query}`,
    token: viewer,
  });
  return (response.json() as { data: Row[] }).data;
}

let missedHook: string;

beforeAll(async () => {
  fake = await startFakeMangopay();
  setEnv({ MANGOPAY_CLIENT_ID: fake.clientId, MANGOPAY_API_KEY: fake.apiKey, MANGOPAY_BASE_URL: fake.url });
  finance = (await insertToken({ name: "finance", role: "finance", createdBy: "test" })).token;
  viewer = (await insertToken({ name: "viewer", role: "viewer", createdBy: "test" })).token;

  // Clean: a pay-in with a refund and a dispute, every hook received.
  fake.put("payins", mangopayPayIn({ Id: "in_ok", Status: "SUCCEEDED", Amount: 3000 }));
  fake.put(
    "refunds",
    mangopayRefund({ Id: "rf_ok", Status: "SUCCEEDED", InitialTransactionId: "in_ok", Amount: 700 }),
  );
  fake.put(
    "disputes",
    mangopayDispute({ Id: "dp_ok", Status: "SUBMITTED", InitialTransactionId: "in_ok", Amount: 2300 }),
  );
  await happen("PAYIN_NORMAL_SUCCEEDED", "in_ok");
  await happen("PAYIN_REFUND_SUCCEEDED", "rf_ok");
  await happen("DISPUTE_CREATED", "dp_ok");
  // A refund MangoPay later reports with another amount than the one we processed.
  fake.put("payins", mangopayPayIn({ Id: "in_ref", Status: "SUCCEEDED", Amount: 5000 }));
  fake.put(
    "refunds",
    mangopayRefund({ Id: "rf_changed", Status: "SUCCEEDED", InitialTransactionId: "in_ref", Amount: 700 }),
  );
  await happen("PAYIN_NORMAL_SUCCEEDED", "in_ref");
  await happen("PAYIN_REFUND_SUCCEEDED", "rf_changed");
  // A dispute whose hook never reached us.
  fake.put("payins", mangopayPayIn({ Id: "in_disp", Status: "SUCCEEDED", Amount: 4000 }));
  fake.put(
    "disputes",
    mangopayDispute({ Id: "dp_missed", Status: "CREATED", InitialTransactionId: "in_disp", Amount: 4000 }),
  );
  await happen("PAYIN_NORMAL_SUCCEEDED", "in_disp");
  missedHook = await happen("DISPUTE_CREATED", "dp_missed", { deliver: false });
  await drain();
  fake.put(
    "refunds",
    mangopayRefund({ Id: "rf_changed", Status: "SUCCEEDED", InitialTransactionId: "in_ref", Amount: 900 }),
  );
});
afterAll(() => fake?.close());

describe("MangoPay reconciliation: refunds, disputes and missed hooks", () => {
  it("flags the changed refund and the missed dispute on their pay-ins, recovers the hook, and nothing else", async () => {
    const run = await runOnce();
    const found = await listAll(`&run_id=${run}`);
    // One finding per fault: the missed dispute hook shows as the pay-in's dispute, not also as a missing object.
    expect(found.map(keyOf).sort()).toEqual(["dispute_mismatch:in_disp", "refund_mismatch:in_ref"]);
    const byKey = new Map(found.map((row) => [keyOf(row), row]));
    expect(byKey.get("refund_mismatch:in_ref")).toMatchObject({ expected_amount: 900, actual_amount: 700 });
    expect(byKey.get("dispute_mismatch:in_disp")).toMatchObject({
      status: "open",
      resolution: "recovered",
      details: { recovered: true, recovered_events: [missedHook] },
    });
    expect(byKey.get("refund_mismatch:in_ref")).toMatchObject({ resolution: null });

    const events = await rawSql()<{ provider_event_id: string; recovered: boolean; status: string }[]>`
      select provider_event_id, recovered, status from events where provider = 'mangopay' and recovered`;
    expect(events).toEqual([{ provider_event_id: missedHook, recovered: true, status: "pending" }]);
    const [progress] = await rawSql()<{ recovered: number }[]>`
      select (progress->>'eventsRecovered')::int as recovered from reconciliation_runs where id = ${run}`;
    expect(progress!.recovered).toBe(1);
  });

  it("once processing has applied the recovered hook, the next run auto-resolves the dispute findings", async () => {
    await drain();
    const run = await runOnce();
    expect((await listAll(`&run_id=${run}`)).map(keyOf)).toEqual(["refund_mismatch:in_ref"]);
    const status = new Map((await listAll()).map((row) => [keyOf(row), row.status]));
    expect(status.get("dispute_mismatch:in_disp")).toBe("auto_resolved");
    expect(status.get("refund_mismatch:in_ref")).toBe("open");
    // Nothing is recovered twice.
    const [count] = await rawSql()<
      { n: number }[]
    >`select count(*)::int as n from events where provider = 'mangopay' and recovered`;
    expect(count!.n).toBe(1);
  });
});
