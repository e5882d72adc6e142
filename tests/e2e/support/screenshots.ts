import type { Page } from "@playwright/test";

/** Full-page screenshots of the main pages, kept as test artifacts. */
export async function saveScreenshot(page: Page, name: string) {
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
}
