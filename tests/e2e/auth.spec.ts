import { expect, test } from "@playwright/test";
import { LoginPage, signOut } from "./pages/login-page";
import { E2E } from "./support/env";

test("a wrong password is refused with a clear message", async ({ page }) => {
  const login = new LoginPage(page);
  await login.goto();
  await login.signIn(E2E.adminEmail, "not-the-password");
  await expect(login.error()).toContainText("Wrong e-mail or password");
  await expect(page).toHaveURL(/\/login/);
});

test("sign in lands on the requested page, sign out returns to /login and locks the pages", async ({
  page,
}) => {
  const login = new LoginPage(page);
  await login.goto("/audit");
  await login.signIn(E2E.adminEmail, E2E.adminPassword);
  await expect(page).toHaveURL(/\/audit$/);
  await expect(page.getByTestId("current-user")).toContainText(E2E.adminEmail);
  await signOut(page);
  await page.goto("/");
  await expect(page).toHaveURL(/\/login/);
});

test("an off-site redirectTo is ignored", async ({ page }) => {
  const login = new LoginPage(page);
  await page.goto("/login?redirectTo=//evil.example/steal");
  await login.signIn(E2E.adminEmail, E2E.adminPassword);
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  expect(new URL(page.url()).host).toBe(new URL(E2E.baseURL).host);
});
