import { expect, test } from "@playwright/test";
import { EventsPage } from "./pages/events-page";
import { signInAs } from "./pages/login-page";
import { OverviewPage } from "./pages/overview-page";
import { E2E } from "./support/env";
import { saveScreenshot } from "./support/screenshots";
import { sendStripeEvent, stripeEvent, waitForStatus } from "./support/seed";

test.describe.configure({ mode: "serial" });

const run = Date.now();
const payments = Array.from({ length: 6 }, (_, index) =>
  stripeEvent({
    id: `evt_e2e_pay_${run}_${index}`,
    type: "payment_intent.succeeded",
    object: {
      id: `pi_e2e_${run}_${index}`,
      object: "payment_intent",
      amount: 1000 + index,
      amount_received: 1000 + index,
      currency: "eur",
      status: "succeeded",
      created: Math.floor(Date.now() / 1000),
    },
  }),
);
const customer = stripeEvent({
  id: `evt_e2e_cus_${run}`,
  type: "customer.created",
  object: { id: `cus_e2e_${run}`, object: "customer" },
});

test.beforeAll(async ({ request }) => {
  for (const event of [...payments, customer]) await sendStripeEvent(request, event);
  await waitForStatus(request, payments.at(-1)!.id, "processed");
});

test("the overview shows KPIs and every chart with data", async ({ page }) => {
  await signInAs(page, E2E.adminEmail, E2E.adminPassword);
  const overview = new OverviewPage(page);
  await overview.goto("1h");
  await expect(overview.kpi("Events (24 h)")).not.toHaveText("0");
  for (const name of [/stacked by status/, /by provider and type/, /lag percentiles/]) {
    const chart = overview.chart(name);
    await expect(chart).toBeVisible();
    // Recharts drew series, not just axes (one bucket of data draws dots, not a line).
    await expect(
      chart
        .locator(".recharts-area-area, .recharts-line-curve, .recharts-dot")
        .filter({ visible: true })
        .first(),
    ).toBeVisible();
  }
  await expect(
    overview.chart(/stacked by status/).locator(".recharts-legend-item", { hasText: "processed" }),
  ).toBeVisible();
  await saveScreenshot(page, "overview");
});

test("explorer filters narrow the results and live in the URL", async ({ page }) => {
  await signInAs(page, E2E.adminEmail, E2E.adminPassword);
  const events = new EventsPage(page);
  await events.goto();
  const before = await events.rows().count();
  expect(before).toBeGreaterThanOrEqual(payments.length + 1);

  await events.filter({ type: "customer.created" });
  await expect(page).toHaveURL(/type=customer.created/);
  await expect(events.rows()).toHaveCount(1);

  await events.filter({ type: "", search: `pi_e2e_${run}_3` });
  await expect(events.rows()).toHaveCount(1);
  await expect(events.rows().first()).toContainText(`evt_e2e_pay_${run}_3`);
  await saveScreenshot(page, "events-filtered");

  // A reload keeps the filter: it is in the URL.
  await page.reload();
  await expect(events.rows()).toHaveCount(1);

  await events.rows().first().getByRole("link").first().click();
  await expect(page.getByRole("heading", { name: /^Event \d+$/ })).toBeVisible();
  await expect(
    page.getByRole("region", { name: "Raw payload" }).or(page.getByLabel("Raw payload")),
  ).toContainText(`pi_e2e_${run}_3`);
  // Tally's own record of the object, as processing left it.
  const record = page.getByLabel("Internal record");
  await expect(record).toContainText(`"object_id": "pi_e2e_${run}_3"`);
  await expect(record).toContainText(`"amount": 1003`);
  await expect(record).toContainText(`"status": "succeeded"`);
  await saveScreenshot(page, "event-detail");
});
