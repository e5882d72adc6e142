import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as assignRoute } from "@/app/api/v1/discrepancies/[id]/assign/route";
import { POST as commentRoute } from "@/app/api/v1/discrepancies/[id]/comments/route";
import { POST as ignoreRoute } from "@/app/api/v1/discrepancies/[id]/ignore/route";
import { POST as recheckRoute } from "@/app/api/v1/discrepancies/[id]/recheck/route";
import { POST as reopenRoute } from "@/app/api/v1/discrepancies/[id]/reopen/route";
import { POST as resolveRoute } from "@/app/api/v1/discrepancies/[id]/resolve/route";
import { GET as oneRoute } from "@/app/api/v1/discrepancies/[id]/route";
import { GET as listRoute } from "@/app/api/v1/discrepancies/route";
import { POST as statementRoute } from "@/app/api/v1/bank-statements/route";
import { GET as getFeeRoute, PUT as putFeeRoute } from "@/app/api/v1/fee-schedules/[provider]/route";
import { POST as enqueueRoute } from "@/app/api/v1/reconciliation/runs/route";
import { insertToken } from "@/lib/auth/tokens";
import { createStripeClient } from "@/lib/providers/stripe/client";
import { processQueuedRuns } from "@/lib/reconciliation/execute";
import { discrepanciesCsv, settlementCsv } from "@/lib/reconciliation/exports";
import { enqueueDueSchedules } from "@/lib/reconciliation/jobs";
import { settlementReport } from "@/lib/reconciliation/settlement";
import { startStripeApiServer, type StripeApiServer } from "@/lib/sandbox/stripe-api/server";
import { useTestDatabase, withSql } from "../helpers/db";
import { callRoute } from "../helpers/http";
import { buildScenario, FEE, insertReceivedEvents, insertRecords, type Scenario } from "./scenario";

const database = useTestDatabase();
let server: StripeApiServer;
let scenario: Scenario;
let finance: string;
let viewer: string;
let operator: string;

const post = (route: typeof resolveRoute, id: number, body: unknown, token = finance) =>
  callRoute(route, {
    method: "POST",
    path: `/api/v1/discrepancies/${id}/x`,
    params: { id: String(id) },
    token,
    body: JSON.stringify(body),
  });

async function discrepancyId(kind: string): Promise<number> {
  const list = await callRoute(listRoute, { path: `/api/v1/discrepancies?kind=${kind}`, token: viewer });
  return (list.json() as { data: { id: number }[] }).data[0]!.id;
}

beforeAll(async () => {
  scenario = buildScenario({ cleanPayments: 130 });
  server = await startStripeApiServer({ store: scenario.store });
  await withSql(database.url, async (sql) => {
    await insertRecords(sql, scenario.records);
    await insertReceivedEvents(sql, scenario.store, scenario.receivedEventIds);
  });
  finance = (await insertToken({ name: "finance", role: "finance", createdBy: "test" })).token;
  viewer = (await insertToken({ name: "viewer", role: "viewer", createdBy: "test" })).token;
  operator = (await insertToken({ name: "operator", role: "operator", createdBy: "test" })).token;
  await callRoute(putFeeRoute, {
    method: "PUT",
    path: "/api/v1/fee-schedules/stripe",
    params: { provider: "stripe" },
    token: finance,
    body: JSON.stringify({ rules: [{ currency: "EUR", ...FEE }], tolerance: 1 }),
  });
  await callRoute(statementRoute, {
    method: "POST",
    path: "/api/v1/bank-statements",
    token: finance,
    body: scenario.statementCsv,
  });
  const queued = await callRoute(enqueueRoute, {
    method: "POST",
    path: "/api/v1/reconciliation/runs",
    token: finance,
    body: JSON.stringify({
      provider: "stripe",
      from: scenario.from.toISOString(),
      to: scenario.to.toISOString(),
    }),
  });
  expect(queued.status).toBe(202);
  await processQueuedRuns({
    holder: "test",
    stripeClient: createStripeClient({ apiKey: "sk_test_recon", apiBase: server.url }),
  });
});

afterAll(async () => {
  await server?.stop();
});

describe("fee schedules API", () => {
  it("reads back exactly what was put, currencies lower-cased", async () => {
    const read = await callRoute(getFeeRoute, {
      path: "/api/v1/fee-schedules/stripe",
      params: { provider: "stripe" },
      token: viewer,
    });
    expect(read.json()).toEqual({ rules: [{ currency: "eur", percent: 2.9, fixed: 30 }], tolerance: 1 });
  });

  it("refuses bad input, weak roles and unknown providers", async () => {
    const put = (body: unknown, token = finance, provider = "stripe") =>
      callRoute(putFeeRoute, {
        method: "PUT",
        path: `/api/v1/fee-schedules/${provider}`,
        params: { provider },
        token,
        body: JSON.stringify(body),
      });
    expect((await put({ rules: [{ currency: "euro", percent: 1, fixed: 1 }], tolerance: 0 })).status).toBe(
      400,
    );
    expect((await put({ rules: [], tolerance: -1 })).status).toBe(400);
    expect((await put({ rules: [], tolerance: 0 }, operator)).status).toBe(403);
    expect((await put({ rules: [], tolerance: 0 }, finance, "paypal")).status).toBe(404);
  });
});

describe("run requests", () => {
  it("validates the period and needs finance", async () => {
    const enqueue = (body: unknown, token = finance) =>
      callRoute(enqueueRoute, {
        method: "POST",
        path: "/api/v1/reconciliation/runs",
        token,
        body: JSON.stringify(body),
      });
    expect((await enqueue({ provider: "stripe", from: "2025-01-02", to: "2025-01-01" })).status).toBe(400);
    expect((await enqueue({ provider: "nope", from: "2025-01-01", to: "2025-01-02" })).status).toBe(400);
    expect(
      (await enqueue({ provider: "stripe", from: "2025-01-01", to: "2025-01-02" }, operator)).status,
    ).toBe(403);
    expect(
      (
        await callRoute(enqueueRoute, {
          method: "POST",
          path: "/api/v1/reconciliation/runs",
          body: JSON.stringify({ provider: "stripe", from: "2025-01-01", to: "2025-01-02" }),
        })
      ).status,
    ).toBe(401);
  });

  it("claims each scheduled occurrence once across processes", async () => {
    process.env.STRIPE_SECRET_KEY = "sk_test_schedule";
    process.env = { ...process.env };
    const now = new Date("2025-03-05T06:00:00Z");
    const first = await enqueueDueSchedules({ holder: "worker-a", now });
    const second = await enqueueDueSchedules({ holder: "worker-b", now });
    expect(first.sort()).toEqual([
      "reconciliation:stripe:daily:2025-03-04",
      "reconciliation:stripe:monthly:2025-02",
      "reconciliation:stripe:weekly:2025-02-24",
    ]);
    expect(second).toEqual([]);
    const runs = await withSql(
      database.url,
      (sql) => sql`
      select schedule, kind, requested_by from reconciliation_runs where schedule is not null order by schedule`,
    );
    expect(runs).toEqual([
      { schedule: "daily:2025-03-04", kind: "all", requested_by: "system:scheduler" },
      { schedule: "monthly:2025-02", kind: "settlement", requested_by: "system:scheduler" },
      { schedule: "weekly:2025-02-24", kind: "transactions", requested_by: "system:scheduler" },
    ]);
    await withSql(database.url, (sql) => sql`delete from reconciliation_runs where schedule is not null`);
  });
});

describe("working a discrepancy", () => {
  it("assigns, comments, ignores, reopens and resolves, each audited", async () => {
    const id = await discrepancyId("fee_mismatch");
    expect((await post(assignRoute, id, { assignee: "ana@example.com" })).status).toBe(200);
    expect((await post(commentRoute, id, { body: "Asked Stripe about the fee" })).status).toBe(201);
    expect((await post(commentRoute, id, { body: "" })).status).toBe(400);
    expect((await post(ignoreRoute, id, { note: "below threshold" })).status).toBe(200);
    expect((await post(resolveRoute, id, { resolution: "written_off", note: "" })).status).toBe(409);
    expect((await post(reopenRoute, id, {})).status).toBe(200);
    expect(
      (await post(resolveRoute, id, { resolution: "provider_corrected", note: "credit note 42" })).status,
    ).toBe(200);
    expect((await post(resolveRoute, id, { resolution: "again", note: "" }, viewer)).status).toBe(403);

    const one = await callRoute(oneRoute, {
      path: `/api/v1/discrepancies/${id}`,
      params: { id: String(id) },
      token: viewer,
    });
    expect(one.json()).toMatchObject({
      id,
      status: "resolved",
      resolution: "provider_corrected",
      resolution_note: "credit note 42",
      assignee: "ana@example.com",
      comments: [{ body: "Asked Stripe about the fee" }],
    });
    const audit = await withSql(
      database.url,
      (sql) => sql`
      select action from audit_log where target = ${`discrepancy:${id}`} order by id`,
    );
    expect(audit.map((row) => row.action)).toEqual([
      "discrepancy.assign",
      "discrepancy.comment",
      "discrepancy.ignore",
      "discrepancy.reopen",
      "discrepancy.resolve",
    ]);
  });

  it("re-check queues a narrow run that refreshes the finding", async () => {
    const id = await discrepancyId("amount_mismatch");
    const response = await post(recheckRoute, id, {});
    expect(response.status).toBe(202);
    const { run_id } = response.json() as { run_id: number };
    await processQueuedRuns({
      holder: "test",
      stripeClient: createStripeClient({ apiKey: "sk_test_recon", apiBase: server.url }),
    });
    const seen = await callRoute(listRoute, {
      path: `/api/v1/discrepancies?run_id=${run_id}`,
      token: viewer,
    });
    expect((seen.json() as { data: { id: number }[] }).data.map((row) => row.id)).toContain(id);
  });

  it("404s an unknown discrepancy", async () => {
    expect((await post(resolveRoute, 999_999, { resolution: "x", note: "" })).status).toBe(404);
  });
});

describe("reports", () => {
  it("exports exceptions as CSV with the filters applied", async () => {
    const csv = await discrepanciesCsv({ kind: "duplicate_charge" });
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toMatch(/^id,kind,provider,object_id,charge_id,/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(scenario.ids.duplicate_charge);
  });

  it("builds the monthly settlement: payouts, fees, matched and unmatched, totals by currency", async () => {
    const month = scenario.from.toISOString().slice(0, 7);
    const report = await settlementReport({ month });
    const payoutIds = scenario.store.payouts.map((payout) => payout.id).sort();
    // Runs at a month boundary split the scenario; only assert when the whole of it lies in one month.
    if (scenario.to.toISOString().slice(0, 7) !== month) return;
    expect(report.payouts.map((payout) => payout.payout_id).sort()).toEqual(payoutIds);
    const clean = report.payouts.find((payout) => payout.payout_id === scenario.ids.cleanPayout)!;
    expect(clean.matched).toBe(true);
    expect(clean.net).toBe(clean.amount);
    expect(clean.fees).toBeGreaterThan(0);
    const mismatched = report.payouts.find((payout) => payout.payout_id === scenario.ids.payout_mismatch)!;
    expect(mismatched.open_issues).toEqual(["payout_mismatch"]);
    expect(report.totals).toEqual([
      expect.objectContaining({ currency: "eur", payouts: 5, matched: 2, unmatched: 3 }),
    ]);
    const csv = await settlementCsv({ month });
    expect(csv).toContain("TOTAL");
  });
});

describe("bank statements", () => {
  it("refuses an unreadable statement and weak roles", async () => {
    const send = (body: string, token = finance) =>
      callRoute(statementRoute, { method: "POST", path: "/api/v1/bank-statements", token, body });
    expect((await send("Foo,Bar\n1,2")).status).toBe(400);
    expect((await send("")).status).toBe(400);
    expect((await send("Date,Amount,Currency\n2025-01-01,1.00,EUR", viewer)).status).toBe(403);
  });
});
