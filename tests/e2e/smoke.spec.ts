import { expect, test } from "@playwright/test";
import { signedDelivery, stripeEvent } from "../fixtures/stripe";
import { LoginPage } from "./pages/login-page";
import { E2E } from "./support/env";
import { saveScreenshot } from "./support/screenshots";
import { sendStripeEvent } from "./support/seed";

test("the app serves: health is 200 and the login page renders", async ({ page, request }) => {
  const health = await request.get("/api/health");
  expect(health.status()).toBe(200);
  const login = new LoginPage(page);
  await login.goto();
  await expect(page.getByLabel("E-mail")).toBeVisible();
  await saveScreenshot(page, "login");
});

test("signed-out visitors are sent to /login with a same-origin redirect", async ({ page }) => {
  await page.goto("/events?status=dead");
  await expect(page).toHaveURL(/\/login\?redirectTo=%2Fevents%3Fstatus%3Ddead$/);
});

test("the proxy leaves the API, webhooks and health alone", async ({ request }) => {
  const webhook = await request.post("/api/webhooks/stripe", {
    data: "{}",
    headers: { "content-type": "application/json" },
    maxRedirects: 0,
  });
  expect(webhook.status()).toBe(400);
  const api = await request.get("/api/v1/events", { maxRedirects: 0 });
  expect(api.status()).toBe(401);
});

test("npm start answers webhooks itself and hands every other request to Next.js", async ({ request }) => {
  const event = await sendStripeEvent(request, stripeEvent());
  const again = signedDelivery(event, E2E.stripeSecret);
  const duplicate = await request.post("/api/webhooks/stripe", { headers: again.headers, data: again.body });
  expect(duplicate.status()).toBe(200);
  expect(await duplicate.json()).toEqual({ received: true, duplicate: true });
  // Next.js marks every reply it renders with its router's Vary header; the web process's own webhook path does not.
  expect(duplicate.headers()["vary"] ?? "").not.toContain("rsc");
  const metrics = await request.get("/api/metrics");
  expect(metrics.headers()["vary"] ?? "").toContain("rsc");
  // Outside the route's own paths and methods Next.js answers as before.
  const options = await request.fetch("/api/webhooks/stripe", { method: "OPTIONS" });
  expect(options.status()).toBe(204);
  const slash = await request.post("/api/webhooks/stripe/", { data: "{}", maxRedirects: 0 });
  expect(slash.status()).toBe(308);
});
