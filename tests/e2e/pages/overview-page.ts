import { expect, type Page } from "@playwright/test";

export class OverviewPage {
  constructor(private readonly page: Page) {}

  async goto(range = "1h") {
    await this.page.goto(`/?range=${range}`);
    await expect(this.page.getByRole("heading", { name: "Overview" })).toBeVisible();
  }

  kpi(label: string) {
    return this.page.locator("dt", { hasText: label }).locator("xpath=following-sibling::dd[1]");
  }

  /** The small line under a figure (what is waiting, what is at risk). */
  kpiHint(label: string) {
    return this.page.locator("dt", { hasText: label }).locator("xpath=following-sibling::dd[2]");
  }

  chart(name: RegExp) {
    return this.page.getByRole("img", { name });
  }
}
