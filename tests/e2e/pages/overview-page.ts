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

  chart(name: RegExp) {
    return this.page.getByRole("img", { name });
  }
}
