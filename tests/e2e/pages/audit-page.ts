import { expect, type Page } from "@playwright/test";

export class AuditPage {
  constructor(private readonly page: Page) {}

  async goto(query = "") {
    await this.page.goto(`/audit${query}`);
    await expect(this.page.getByRole("heading", { name: "Audit log" })).toBeVisible();
  }

  rows() {
    return this.page.getByTestId("audit-table").locator("tbody tr");
  }
}
