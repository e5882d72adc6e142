import { expect, test } from "@playwright/test";
import { LoginPage } from "./pages/login-page";
import { saveScreenshot } from "./support/screenshots";

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
