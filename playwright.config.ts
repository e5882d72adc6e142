import { defineConfig, devices } from "@playwright/test";
import { E2E } from "./tests/e2e/support/env";

/**
 * End-to-end tests in Debian's Chromium against a real `npm start`: its own
 * port, data directory (wiped first), build directory, no sandbox traffic.
 */
export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results/e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  use: {
    baseURL: E2E.baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.PLAYWRIGHT_CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    },
  },
  projects: [
    { name: "chromium", use: { ...devices["Desktop Chrome"], viewport: { width: 1400, height: 900 } } },
  ],
  webServer: {
    command: "rm -rf .tmp/e2e && npm start",
    url: `${E2E.baseURL}/api/health`,
    // The first start builds the app (several minutes on two cores).
    timeout: 15 * 60_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: String(E2E.port),
      DATA_DIR: ".tmp/e2e",
      NEXT_DIST_DIR: ".next-e2e",
      SIMULATE: "0",
      ADMIN_EMAIL: E2E.adminEmail,
      ADMIN_PASSWORD: E2E.adminPassword,
      API_TOKEN: E2E.apiToken,
      STRIPE_WEBHOOK_SECRET: E2E.stripeSecret,
      // reconciliation.spec.ts serves this API only while it runs; nothing else calls it.
      STRIPE_API_BASE: `http://127.0.0.1:${E2E.stripeApiPort}`,
      STRIPE_SECRET_KEY: E2E.stripeApiKey,
      // Fail fast into dead letters so the dead-letter flow does not wait on backoff.
      PROCESSING_MAX_ATTEMPTS: "1",
      PROCESSING_BACKOFF_MS: "0",
      LOG_LEVEL: "warn",
    },
  },
});
