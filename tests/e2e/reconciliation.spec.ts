import { expect, test, type Page } from "@playwright/test";
import {
  buildBalanceTransaction,
  buildCharge,
  buildEvent,
  buildPaymentIntent,
  emptyStore,
  type StripeEvent,
} from "@/lib/sandbox/stripe-api/objects";
import { formatMoneyList, sumByCurrency } from "@/lib/money";
import { startStripeApiServer, type StripeApiServer } from "@/lib/sandbox/stripe-api/server";
import { AuditPage } from "./pages/audit-page";
import { DiscrepanciesPage } from "./pages/discrepancies-page";
import { DiscrepancyPage } from "./pages/discrepancy-page";
import { EventsPage } from "./pages/events-page";
import { signInAs } from "./pages/login-page";
import { OverviewPage } from "./pages/overview-page";
import { ReconciliationPage } from "./pages/reconciliation-page";
import { E2E } from "./support/env";
import { saveScreenshot } from "./support/screenshots";
import { api, createUser, sendStripeEvent, waitForStatus } from "./support/seed";

/**
 * Finance works a reconciliation to zero in the browser. A small Stripe
 * business is planted in a Stripe-compatible API (the app reaches it through
 * STRIPE_API_BASE, playwright.config.ts) with four faults — an amount that
 * drifted between webhook and API, a fee off the contracted schedule, a
 * duplicate charge and a payment whose webhooks never arrived — and its
 * webhooks are sent signed, except the missed ones.
 */
test.describe.configure({ mode: "serial" });

const HOUR = 3600;
// 100 days back: outside every scheduled run (yesterday, last week, last month) and the settle margin.
const start = Math.floor(Date.now() / 1000 / HOUR) * HOUR - 100 * 86_400;
const period = { from: new Date(start * 1000), to: new Date((start + 2 * HOUR) * 1000) };
const FEE = { percent: 1.5, fixed: 25 };
const feeOf = (amount: number) => Math.round((amount * FEE.percent) / 100) + FEE.fixed;
const tag = Date.now().toString(36);

const store = emptyStore();
/** What reaches our webhook endpoint: the provider's events, or a drifted copy of them. */
const deliveries: StripeEvent[] = [];

function payment({
  amount,
  at,
  customer = `cus_e2e_${tag}_${at}`,
  fee = feeOf(amount),
  webhookAmount,
  delivered = true,
}: {
  amount: number;
  at: number;
  customer?: string;
  fee?: number;
  webhookAmount?: number;
  delivered?: boolean;
}) {
  const created = start + at;
  const txn = buildBalanceTransaction({ type: "charge", amount, currency: "eur", fee, created });
  const intent = buildPaymentIntent({ amount, currency: "eur", customer, created });
  const charge = buildCharge({
    amount,
    currency: "eur",
    customer,
    created,
    payment_intent: intent.id,
    balance_transaction: txn.id,
  });
  txn.source = charge.id;
  intent.latest_charge = charge.id;
  store.payment_intents.push(intent);
  store.charges.push(charge);
  store.balance_transactions.push(txn);
  const events = [
    buildEvent({ type: "payment_intent.succeeded", dataObject: intent, created }),
    buildEvent({ type: "charge.succeeded", dataObject: charge, created }),
  ];
  store.events.push(...events);
  if (delivered) {
    for (const event of events) {
      const drifted = webhookAmount === undefined ? event : structuredClone(event);
      if (webhookAmount !== undefined) {
        const object = drifted.data.object;
        object.amount = webhookAmount;
        object[object.object === "charge" ? "amount_captured" : "amount_received"] = webhookAmount;
      }
      deliveries.push(drifted);
    }
  }
  return { intent, events };
}

payment({ amount: 1000, at: 300 });
payment({ amount: 2000, at: 600 });
const drift = payment({ amount: 5000, at: 900, webhookAmount: 4000 }).intent.id;
const offSchedule = payment({ amount: 6000, at: 1200, fee: feeOf(6000) + 40 }).intent.id;
payment({ amount: 3000, at: 1500, customer: `cus_e2e_twin_${tag}` });
const duplicate = payment({ amount: 3000, at: 1680, customer: `cus_e2e_twin_${tag}` }).intent.id;
const missed = payment({ amount: 4000, at: 2100, delivered: false });

type Run = {
  id: number;
  status: string;
  counts: Record<string, number>;
  progress: { events_recovered: number };
};
type Discrepancy = {
  id: number;
  kind: string;
  object_id: string;
  status: string;
  assignee: string | null;
  resolution: string | null;
  resolved_by: string | null;
  details: Record<string, unknown>;
  currency: string;
  amount_at_risk: number;
};

let server: StripeApiServer;
let firstRunId: number;

test.beforeAll(async ({ request }) => {
  server = await startStripeApiServer({ store, port: E2E.stripeApiPort, apiKey: E2E.stripeApiKey });
  await api(request, "PUT", "/api/v1/fee-schedules/stripe", {
    rules: [{ currency: "eur", ...FEE }],
    tolerance: 1,
  });
  for (const event of deliveries) await sendStripeEvent(request, event);
  for (const event of deliveries) await waitForStatus(request, event.id, "processed");
});

test.afterAll(async () => {
  await server?.stop();
});

async function discrepanciesOfRun(page: Page, runId: number) {
  const list = await api<{ data: Discrepancy[] }>(
    page.request,
    "GET",
    `/api/v1/discrepancies?run_id=${runId}`,
  );
  return list.data;
}

async function runToSuccess(page: Page) {
  const reconciliation = new ReconciliationPage(page);
  await reconciliation.goto();
  const id = await reconciliation.startRun({ ...period, kind: "all" });
  // The runs table refreshes itself while a run is queued or running.
  await expect(reconciliation.run(id)).toContainText("succeeded", { timeout: 30_000 });
  return { id, row: reconciliation.run(id) };
}

test("finance starts a run on /reconciliation and it finds exactly the planted faults", async ({ page }) => {
  await signInAs(page, E2E.adminEmail, E2E.adminPassword);
  const { id, row } = await runToSuccess(page);
  firstRunId = id;
  await expect(row).toContainText("2 events recovered");
  await expect(row).toContainText("user:" + E2E.adminEmail);
  await saveScreenshot(page, "reconciliation-runs");

  const run = await api<Run>(page.request, "GET", `/api/v1/reconciliation/runs/${id}`);
  expect(run.counts).toEqual({
    amount_mismatch: 1,
    fee_mismatch: 1,
    duplicate_charge: 1,
    missing_internal: 1,
  });
  const found = (await discrepanciesOfRun(page, id)).map((d) => [d.kind, d.object_id]).sort();
  expect(found).toEqual(
    [
      ["amount_mismatch", drift],
      ["fee_mismatch", offSchedule],
      ["duplicate_charge", duplicate],
      ["missing_internal", missed.intent.id],
    ].sort(),
  );

  // The run's "Found" link lists what it saw.
  await row.getByRole("link").click();
  const discrepancies = new DiscrepanciesPage(page);
  await expect(page).toHaveURL(new RegExp(`/discrepancies\\?run=${id}$`));
  await expect(discrepancies.rows()).toHaveCount(4);
  await expect(discrepancies.row(drift)).toContainText("€50.00");
  await expect(discrepancies.row(drift)).toContainText("€40.00");
  await saveScreenshot(page, "discrepancies");

  // The money at risk is one figure wherever it shows: the REST rows, the list's summary, the overview.
  const open = await api<{ data: Discrepancy[] }>(page.request, "GET", "/api/v1/discrepancies?status=open");
  const atRisk = formatMoneyList(
    sumByCurrency(open.data.map((d) => ({ currency: d.currency, amount: d.amount_at_risk }))),
  );
  expect(atRisk).not.toBe("");
  await discrepancies.goto();
  await expect(discrepancies.openAtRisk()).toHaveText(`4 open, at risk: ${atRisk}`);
  const overview = new OverviewPage(page);
  await overview.goto();
  await expect(overview.kpiHint("Open discrepancies")).toHaveText(`at risk: ${atRisk}`);
});

/** Captures the id of the resolve server action the way the browser sends it, without running it. */
async function captureResolveActionId(page: Page, id: number): Promise<string> {
  let actionId: string | undefined;
  await page.route(`**/discrepancies/${id}`, async (route) => {
    const header = route.request().headers()["next-action"];
    if (route.request().method() === "POST" && header) {
      actionId = header;
      await route.abort();
    } else {
      await route.continue();
    }
  });
  await new DiscrepancyPage(page).goto(id);
  await page.getByRole("button", { name: "Resolve", exact: true }).click();
  await expect.poll(() => actionId).toBeTruthy();
  await page.unrouteAll();
  return actionId!;
}

test("a viewer sees the discrepancies but no action controls, and the resolve action refuses them", async ({
  page,
  browser,
  request,
}) => {
  const driftId = (await discrepanciesOfRun(page, firstRunId)).find((d) => d.object_id === drift)!.id;
  await signInAs(page, E2E.adminEmail, E2E.adminPassword);
  const actionId = await captureResolveActionId(page, driftId);

  const viewer = await createUser(request, "viewer");
  const context = await browser.newContext({ baseURL: E2E.baseURL });
  const viewerPage = await context.newPage();
  await signInAs(viewerPage, viewer.email, viewer.password);

  const discrepancies = new DiscrepanciesPage(viewerPage);
  await discrepancies.goto("?status=open");
  await expect(discrepancies.rows()).toHaveCount(4);
  await discrepancies.open(drift);
  await expect(viewerPage.getByText("Working discrepancies needs the finance role.")).toBeVisible();
  for (const name of ["Resolve", "Ignore", "Save assignee", "Add comment", "Re-check now"])
    await expect(viewerPage.getByRole("button", { name, exact: true })).toHaveCount(0);
  await viewerPage.goto("/reconciliation");
  await expect(viewerPage.getByRole("table", { name: "Reconciliation runs" })).toBeVisible();
  await expect(viewerPage.getByRole("form", { name: "Start a reconciliation run" })).toHaveCount(0);

  // A hand-crafted call of the resolve action from the viewer's session.
  const reply = await viewerPage.evaluate(
    async ({ actionId, id }) => {
      const response = await fetch(`/discrepancies/${id}`, {
        method: "POST",
        headers: {
          "next-action": actionId,
          "content-type": "text/plain;charset=UTF-8",
          accept: "text/x-component",
        },
        body: JSON.stringify([{ id, resolution: "written_off", note: "viewer tries" }]),
      });
      return await response.text();
    },
    { actionId, id: driftId },
  );
  expect(reply).toContain("This needs the finance role");
  const after = await api<Discrepancy>(request, "GET", `/api/v1/discrepancies/${driftId}`);
  expect(after.status).toBe("open");
  const audit = await api<{ data: { action: string; target: string | null }[] }>(
    request,
    "GET",
    `/api/v1/audit?action=discrepancy.resolve`,
  );
  expect(audit.data.filter((entry) => entry.target === `discrepancy:${driftId}`)).toHaveLength(0);
  await context.close();
});

test("finance works every open discrepancy to zero on /discrepancies", async ({ page, request }) => {
  await signInAs(page, E2E.adminEmail, E2E.adminPassword);
  const discrepancies = new DiscrepanciesPage(page);
  const detail = new DiscrepancyPage(page);
  await discrepancies.goto();
  await discrepancies.filter({ status: "open" });
  await expect(page).toHaveURL(/status=open/);
  await expect(discrepancies.rows()).toHaveCount(4);

  // Amount drift: the provider's amount is right, we fixed our side.
  await discrepancies.open(drift);
  await expect(detail.card("Provider vs ours")).toContainText("€50.00");
  await expect(detail.card("Provider vs ours")).toContainText("€40.00");
  await expect(detail.card("Our record")).toContainText('"amount": 4000,');
  await saveScreenshot(page, "discrepancy-detail");
  await detail.resolve("fixed_internally", `e2e ${tag}: booked the provider's 50.00`);
  await expect(detail.card("Provider vs ours")).toContainText("Resolution: fixed_internally");

  // Fee off the schedule: accepted as a one-off.
  await discrepancies.goto("?status=open");
  await expect(discrepancies.rows()).toHaveCount(3);
  await discrepancies.open(offSchedule);
  await detail.ignore(`e2e ${tag}: one-off surcharge agreed with Stripe`);

  // Duplicate charge: handed to a colleague, discussed, then refunded.
  await discrepancies.goto("?status=open");
  await expect(discrepancies.rows()).toHaveCount(2);
  await discrepancies.open(duplicate);
  await detail.assign("ana@finance.test");
  await expect(detail.summary()).toContainText("assigned to ana@finance.test");
  await detail.comment(`e2e ${tag}: customer confirmed a double click`);
  await expect(detail.card("Comments")).toContainText(`e2e ${tag}: customer confirmed a double click`);
  await expect(detail.card("Comments")).toContainText(`user:${E2E.adminEmail}`);
  await detail.resolve("refunded_customer", `e2e ${tag}: refunded the second charge`);
  await discrepancies.goto("?assignee=ana%40finance.test");
  await expect(discrepancies.rows()).toHaveCount(1);
  await expect(discrepancies.row(duplicate)).toContainText("resolved");

  // Missed webhook: the run recovered the provider's events; once processed, a second run clears it.
  await discrepancies.goto("?status=open");
  await expect(discrepancies.rows()).toHaveCount(1);
  await discrepancies.open(missed.intent.id);
  const missedId = detail.id();
  await expect(detail.card("Details")).toContainText('"recovered": true');
  await expect(detail.card("Provider vs ours")).toContainText("Resolution: recovered");
  for (const event of missed.events) await waitForStatus(request, event.id, "processed");
  await page.reload();
  await expect(
    detail.card(new RegExp(`^Events of ${missed.intent.id}`)).getByText("recovered", { exact: true }),
  ).toHaveCount(2);
  await expect(detail.card("Our record")).toContainText(missed.intent.id);
  // The explorer marks the events recovered: finance and ops see that these webhooks never arrived.
  const explorer = new EventsPage(page);
  await explorer.goto(`?object_id=${missed.intent.id}`);
  await expect(explorer.rows()).toHaveCount(1);
  await expect(explorer.rows().first()).toContainText("recovered");
  await detail.goto(missedId);

  const second = await runToSuccess(page);
  await expect(second.row).not.toContainText("events recovered");
  await detail.goto(missedId);
  await expect(detail.summary()).toContainText("auto resolved");
  const cleared = await api<Discrepancy>(request, "GET", `/api/v1/discrepancies/${missedId}`);
  expect(cleared).toMatchObject({ status: "auto_resolved", resolved_by: `run:${second.id}` });
  // Finance's decisions stand although the second run saw those differences again.
  const seenAgain = await discrepanciesOfRun(page, second.id);
  expect(seenAgain.map((d) => [d.kind, d.status]).sort()).toEqual(
    [
      ["amount_mismatch", "resolved"],
      ["duplicate_charge", "resolved"],
      ["fee_mismatch", "ignored"],
    ].sort(),
  );

  await discrepancies.goto();
  await discrepancies.filter({ status: "open" });
  await expect(page).toHaveURL(/status=open/);
  await expect(discrepancies.table()).toContainText("No discrepancies match these filters.");
  await expect(discrepancies.rows()).toHaveCount(1);
  await saveScreenshot(page, "discrepancies-worked-to-zero");
});

test("the audit log shows every finance action with its actor and reason", async ({ page, request }) => {
  await signInAs(page, E2E.adminEmail, E2E.adminPassword);
  const ids = Object.fromEntries(
    (await discrepanciesOfRun(page, firstRunId)).map((d) => [d.object_id, d.id] as const),
  );
  const audit = new AuditPage(page);
  const actor = `user:${E2E.adminEmail}`;
  const expectEntry = async (target: string, action: string, ...texts: string[]) => {
    await expectEntryBy(actor, target, action, ...texts);
  };
  const expectEntryBy = async (by: string, target: string, action: string, ...texts: string[]) => {
    await audit.goto(`?target=${encodeURIComponent(target)}&action=${encodeURIComponent(action)}`);
    const row = audit.rows().filter({ hasText: target });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText(by);
    for (const text of texts) await expect(row).toContainText(text);
  };

  await expectEntry(
    `discrepancy:${ids[drift]}`,
    "discrepancy.resolve",
    "fixed_internally",
    `e2e ${tag}: booked`,
  );
  await expectEntry(`discrepancy:${ids[offSchedule]}`, "discrepancy.ignore", `e2e ${tag}: one-off surcharge`);
  await expectEntry(`discrepancy:${ids[duplicate]}`, "discrepancy.assign", "ana@finance.test");
  await expectEntry(`discrepancy:${ids[duplicate]}`, "discrepancy.comment", "double click");
  await expectEntry(
    `discrepancy:${ids[duplicate]}`,
    "discrepancy.resolve",
    "refunded_customer",
    "refunded the second charge",
  );
  await expectEntry(`reconciliation_run:${firstRunId}`, "reconciliation.run.enqueue", '"provider":"stripe"');
  // The fee schedule went in through the REST API with the bootstrap token.
  await expectEntryBy(
    "token:API_TOKEN",
    "fee_schedule:stripe",
    "fee_schedule.update",
    `"percent":${FEE.percent}`,
  );
  await saveScreenshot(page, "audit-reconciliation");

  // The REST view of the same trail, in order, for the duplicate charge.
  const trail = await api<{ data: { action: string; actor: string }[] }>(
    request,
    "GET",
    `/api/v1/audit?target=${encodeURIComponent(`discrepancy:${ids[duplicate]}`)}`,
  );
  expect(trail.data.map((entry) => entry.action).sort()).toEqual(
    ["discrepancy.assign", "discrepancy.comment", "discrepancy.resolve"].sort(),
  );
});

test("a running reconciliation shows its progress advancing on /reconciliation", async ({ page }) => {
  await signInAs(page, E2E.adminEmail, E2E.adminPassword);
  // A distant API: every request takes a while, so the run's stages can be watched.
  server.faults.latency(600);
  try {
    const reconciliation = new ReconciliationPage(page);
    await reconciliation.goto();
    const id = await reconciliation.startRun({ ...period, kind: "all" });
    const seen: string[] = [];
    await expect
      .poll(
        async () => {
          const shown = await reconciliation.shownRun(id);
          if (shown.progress)
            seen.push(`${shown.progress.stage} | ${shown.progress.done} | ${shown.progress.elapsed}`);
          return shown.text;
        },
        { timeout: 60_000, intervals: [200] },
      )
      .toContain("succeeded");
    const states = [...new Set(seen.map((entry) => entry.split(" | ").slice(0, 2).join(" | ")))];
    // The page showed the run moving on: several distinct stages or steps with their counts, and time passing.
    expect(states.length, seen.join("\n")).toBeGreaterThanOrEqual(3);
    expect(
      states.some((state) => state.startsWith("Pulling the provider's books")),
      seen.join("\n"),
    ).toBe(true);
    expect(new Set(seen.map((entry) => entry.split(" | ")[2])).size, seen.join("\n")).toBeGreaterThanOrEqual(
      2,
    );
    // Once done, the row says what the run did and how long it took.
    await expect(reconciliation.run(id)).toContainText(/took \d/);
    const run = await api<Run & { progress: { stage: string; elapsed_ms: number } }>(
      page.request,
      "GET",
      `/api/v1/reconciliation/runs/${id}`,
    );
    expect(run.progress.stage).toBe("done");
    expect(run.progress.elapsed_ms).toBeGreaterThan(1000);
    await saveScreenshot(page, "reconciliation-run-done");
  } finally {
    server.faults.latency(0);
  }
});
