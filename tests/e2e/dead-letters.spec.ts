import { expect, test, type Page } from "@playwright/test";
import { AuditPage } from "./pages/audit-page";
import { DeadLettersPage } from "./pages/dead-letters-page";
import { signInAs } from "./pages/login-page";
import { E2E } from "./support/env";
import { saveScreenshot } from "./support/screenshots";
import { api, createUser, sendStripeEvent, stripeEvent, waitForStatus } from "./support/seed";

test.describe.configure({ mode: "serial" });

const run = Date.now();
// Processing refuses a payment intent without a valid amount and currency; with
// PROCESSING_MAX_ATTEMPTS=1 (playwright.config.ts) the first failure makes it a dead letter.
const broken = stripeEvent({
  id: `evt_e2e_dead_${run}`,
  type: "payment_intent.succeeded",
  object: {
    id: `pi_e2e_dead_${run}`,
    object: "payment_intent",
    amount: "twelve",
    currency: 42,
    status: "succeeded",
  },
});

let deadId: number;

test.beforeAll(async ({ request }) => {
  await sendStripeEvent(request, broken);
  deadId = (await waitForStatus(request, broken.id, "dead")).id;
});

/** Captures the id of the replay server action the way the browser sends it, without running it. */
async function captureReplayActionId(page: Page, eventId: number): Promise<string> {
  let actionId: string | undefined;
  await page.route(`**/events/${eventId}`, async (route) => {
    const header = route.request().headers()["next-action"];
    if (route.request().method() === "POST" && header) {
      actionId = header;
      await route.abort();
    } else {
      await route.continue();
    }
  });
  await page.goto(`/events/${eventId}`);
  await page.getByRole("button", { name: "Replay event" }).click();
  await expect.poll(() => actionId).toBeTruthy();
  await page.unrouteAll();
  return actionId!;
}

test("a viewer sees no replay controls and the replay action refuses a direct call", async ({
  page,
  browser,
  request,
}) => {
  await signInAs(page, E2E.adminEmail, E2E.adminPassword);
  const actionId = await captureReplayActionId(page, deadId);

  const viewer = await createUser(request, "viewer");
  const viewerContext = await browser.newContext({ baseURL: E2E.baseURL });
  const viewerPage = await viewerContext.newPage();
  await signInAs(viewerPage, viewer.email, viewer.password);

  await viewerPage.goto(`/events/${deadId}`);
  await expect(viewerPage.getByText("Replaying needs the operator role.")).toBeVisible();
  await expect(viewerPage.getByRole("button", { name: "Replay event" })).toHaveCount(0);
  await viewerPage.goto("/dead-letters");
  await expect(viewerPage.getByRole("button", { name: "Replay selected" })).toHaveCount(0);

  // Call the server action directly, as a hand-crafted request from the viewer's session would.
  const reply = await viewerPage.evaluate(
    async ({ id, eventId }) => {
      const response = await fetch(`/events/${eventId}`, {
        method: "POST",
        headers: {
          "next-action": id,
          "content-type": "text/plain;charset=UTF-8",
          accept: "text/x-component",
        },
        body: JSON.stringify([{ eventId }]),
      });
      return { status: response.status, text: await response.text() };
    },
    { id: actionId, eventId: deadId },
  );
  expect(reply.text).toContain("This needs the operator role");

  const audit = await api<{ data: { action: string; target: string | null }[] }>(
    request,
    "GET",
    "/api/v1/audit?limit=200",
  );
  expect(
    audit.data.filter((entry) => entry.target?.includes(String(deadId)) && /replay/.test(entry.action)),
  ).toHaveLength(0);
  const event = await api<{ status: string; attempts: number }>(request, "GET", `/api/v1/events/${deadId}`);
  expect(event.status).toBe("dead");
  await viewerContext.close();
});

test("an admin replays a dead letter from the dead-letters page and it shows in the audit log", async ({
  page,
}) => {
  await signInAs(page, E2E.adminEmail, E2E.adminPassword);
  const deadLetters = new DeadLettersPage(page);
  await deadLetters.goto();
  await expect(page.getByTestId("dead-letter-group").first()).toBeVisible();
  await saveScreenshot(page, "dead-letters");

  await deadLetters.selectEvent(deadId);
  const reason = `e2e replay ${run}`;
  const dialog = await deadLetters.replaySelected(reason);
  await expect(dialog.getByTestId("confirm-summary")).toContainText("1 event");
  await dialog.getByRole("button", { name: "Replay 1 event", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: "Replayed 1 event" })).toBeVisible();

  const audit = new AuditPage(page);
  await audit.goto(`?target=${deadId}`);
  await expect(audit.rows().filter({ hasText: reason })).toHaveCount(1);
  await expect(audit.rows().first()).toContainText(`user:${E2E.adminEmail}`);
  await saveScreenshot(page, "audit");

  await page.goto("/settings");
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
  await expect(page.getByText(`${new URL(E2E.baseURL).origin}/api/webhooks/stripe`)).toBeVisible();
  await saveScreenshot(page, "settings");
});
