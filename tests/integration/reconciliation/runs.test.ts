import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as resolveRoute } from "@/app/api/v1/discrepancies/[id]/resolve/route";
import { GET as listRoute } from "@/app/api/v1/discrepancies/route";
import { POST as statementRoute } from "@/app/api/v1/bank-statements/route";
import { PUT as feeRoute } from "@/app/api/v1/fee-schedules/[provider]/route";
import { GET as runRoute } from "@/app/api/v1/reconciliation/runs/[id]/route";
import { POST as enqueueRoute } from "@/app/api/v1/reconciliation/runs/route";
import { insertToken } from "@/lib/auth/tokens";
import { createStripeClient } from "@/lib/providers/stripe/client";
import { processQueuedRuns } from "@/lib/reconciliation/execute";
import { startStripeApiServer, type StripeApiServer } from "@/lib/sandbox/stripe-api/server";
import { useTestDatabase, withSql } from "../helpers/db";
import { callRoute } from "../helpers/http";
import { buildScenario, FEE, insertReceivedEvents, insertRecords, type Scenario } from "./scenario";

const database = useTestDatabase();
let server: StripeApiServer;
let scenario: Scenario;
let finance: string;
let viewer: string;

type Row = { id: number; kind: string; object_id: string; status: string; details: Record<string, unknown> };

async function runOnce(): Promise<number> {
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
  const { id } = queued.json() as { id: number };
  const client = createStripeClient({ apiKey: "sk_test_recon", apiBase: server.url });
  await processQueuedRuns({ holder: "test", stripeClient: client });
  const run = await callRoute(runRoute, {
    path: `/api/v1/reconciliation/runs/${id}`,
    params: { id: String(id) },
    token: viewer,
  });
  const body = run.json() as { status: string; error: string | null };
  expect(body.error).toBeNull();
  expect(body.status).toBe("succeeded");
  return id;
}

async function listAll(query = ""): Promise<Row[]> {
  const response = await callRoute(listRoute, {
    path: `/api/v1/discrepancies?limit=500${query}`,
    token: viewer,
  });
  expect(response.status).toBe(200);
  return (response.json() as { data: Row[] }).data;
}

const keyOf = (row: { kind: string; object_id?: string; objectId?: string }) =>
  `${row.kind}:${row.object_id ?? row.objectId}`;

beforeAll(async () => {
  scenario = buildScenario();
  server = await startStripeApiServer({ store: scenario.store });
  await withSql(database.url, async (sql) => {
    await insertRecords(sql, scenario.records);
    await insertReceivedEvents(sql, scenario.store, scenario.receivedEventIds);
  });
  finance = (await insertToken({ name: "finance", role: "finance", createdBy: "test" })).token;
  viewer = (await insertToken({ name: "viewer", role: "viewer", createdBy: "test" })).token;
  const fee = await callRoute(feeRoute, {
    method: "PUT",
    path: "/api/v1/fee-schedules/stripe",
    params: { provider: "stripe" },
    token: finance,
    body: JSON.stringify({ rules: [{ currency: "eur", ...FEE }], tolerance: 1 }),
  });
  expect(fee.status).toBe(200);
  const statement = await callRoute(statementRoute, {
    method: "POST",
    path: "/api/v1/bank-statements",
    token: finance,
    body: scenario.statementCsv,
  });
  expect(statement.status).toBe(201);
  expect((statement.json() as { deposits: number }).deposits).toBe(4);
});

afterAll(async () => {
  await server?.stop();
});

describe("a reconciliation run against a Stripe-compatible API", () => {
  let firstRun: number;

  it("finds every planted discrepancy of every kind and nothing else", async () => {
    // Rate limits and server errors on the way are retried.
    server.faults.failNext(429, 2);
    server.faults.failNext(503, 1);
    firstRun = await runOnce();
    const found = await listAll(`&run_id=${firstRun}`);
    expect(found.map(keyOf).sort()).toEqual(scenario.planted.map(keyOf).sort());
    const kinds = new Set(found.map((row) => row.kind));
    expect(kinds.size).toBe(13);
    expect(found.every((row) => row.status === "open")).toBe(true);

    // Matched: the staged payments and payouts that no discrepancy of this run names.
    const run = await callRoute(runRoute, {
      path: `/api/v1/reconciliation/runs/${firstRun}`,
      params: { id: String(firstRun) },
      token: viewer,
    });
    const [clean] = await withSql(
      database.url,
      (sql) => sql`
        select count(*)::int as n from reconciliation_staged s
        where s.run_id = ${firstRun} and s.object_type in ('payment_intent', 'payout')
          and s.object_id <> all(${found.map((row) => row.object_id ?? "")})`,
    );
    expect(clean!.n).toBeGreaterThan(100);
    expect((run.json() as { progress: { matched: number } }).progress.matched).toBe(clean!.n);
  });

  it("recovers the missed webhook's events and says so", async () => {
    const [recovered] = await listAll(`&kind=missing_internal&object_id=${scenario.ids.recovered}`).then(
      (rows) => rows.filter((row) => row.object_id === scenario.ids.recovered),
    );
    expect(recovered?.details.recovered).toBe(true);
    const events = await withSql(
      database.url,
      (sql) => sql`
      select provider_event_id, recovered, status from events where object_id like 'pi_%' and recovered`,
    );
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(events.every((event) => event.status === "pending")).toBe(true);
    const [plain] = await listAll(`&kind=missing_internal&object_id=${scenario.ids.missing_internal}`);
    expect(plain?.details.recovered).toBeUndefined();
  });

  it("reports payment-level findings on the payment intent with the charge in details", async () => {
    const [fee] = await listAll("&kind=fee_mismatch");
    expect(fee?.object_id).toMatch(/^pi_/);
    expect(String(fee?.details.charge_id)).toMatch(/^ch_/);
  });

  it("never duplicates across runs, and updates last_seen_at", async () => {
    const before = await listAll();
    const secondRun = await runOnce();
    const after = await listAll();
    expect(after.length).toBe(before.length);
    const seen = await listAll(`&run_id=${secondRun}`);
    expect(seen.map(keyOf).sort()).toEqual(scenario.planted.map(keyOf).sort());
    const counts = await withSql(
      database.url,
      (sql) => sql`
      select count(*)::int as n, count(distinct (kind, provider, object_id))::int as distinct_n,
        bool_and(last_seen_at > first_seen_at) as refreshed
      from discrepancies`,
    );
    expect(counts[0]!.n).toBe(counts[0]!.distinct_n);
    expect(counts[0]!.refreshed).toBe(true);
  });

  it("auto-resolves what was fixed, keeps a resolved one resolved", async () => {
    const all = await listAll();
    const status = all.find((row) => row.kind === "status_mismatch")!;
    const resolved = await callRoute(resolveRoute, {
      method: "POST",
      path: `/api/v1/discrepancies/${status.id}/resolve`,
      params: { id: String(status.id) },
      token: finance,
      body: JSON.stringify({ resolution: "provider_corrected", note: "checked with Stripe" }),
    });
    expect(resolved.status).toBe(200);
    const viewerTry = await callRoute(resolveRoute, {
      method: "POST",
      path: `/api/v1/discrepancies/${status.id}/resolve`,
      params: { id: String(status.id) },
      token: viewer,
      body: JSON.stringify({ resolution: "x", note: "" }),
    });
    expect(viewerTry.status).toBe(403);

    // Fix our side of the amount mismatch and let processing "apply" the recovered payment.
    const recoveredRecord = scenario.store.payment_intents.find((pi) => pi.id === scenario.ids.recovered)!;
    const recoveredCharge = scenario.store.charges.find((ch) => ch.payment_intent === recoveredRecord.id)!;
    await withSql(database.url, async (sql) => {
      await sql`update records set amount = 5000 where object_id = ${scenario.ids.amount_mismatch!}`;
      await insertRecords(sql, [
        {
          kind: "payment",
          objectId: recoveredRecord.id,
          chargeId: recoveredCharge.id,
          status: "succeeded",
          amount: recoveredRecord.amount,
          currency: recoveredRecord.currency,
          amountRefunded: 0,
          disputed: false,
          customer: recoveredRecord.customer,
          created: recoveredRecord.created,
        },
      ]);
    });
    await runOnce();
    const after = new Map((await listAll()).map((row) => [keyOf(row), row.status]));
    expect(after.get(`amount_mismatch:${scenario.ids.amount_mismatch}`)).toBe("auto_resolved");
    expect(after.get(`missing_internal:${scenario.ids.recovered}`)).toBe("auto_resolved");
    expect(after.get(`status_mismatch:${scenario.ids.status_mismatch}`)).toBe("resolved");
    expect(after.get(`fee_mismatch:${scenario.ids.fee_mismatch}`)).toBe("open");

    const audit = await withSql(
      database.url,
      (sql) => sql`
      select action, target from audit_log where action = 'discrepancy.resolve'`,
    );
    expect(audit).toEqual([{ action: "discrepancy.resolve", target: `discrepancy:${status.id}` }]);
  });

  it("reopens a fault that comes back after being auto-resolved", async () => {
    await withSql(
      database.url,
      (sql) => sql`
      update records set amount = 4900 where object_id = ${scenario.ids.amount_mismatch!}`,
    );
    await runOnce();
    const [row] = await listAll(`&kind=amount_mismatch`);
    expect(row?.status).toBe("open");
  });
});
