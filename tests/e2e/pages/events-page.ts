import { expect, type Page } from "@playwright/test";

export class EventsPage {
  constructor(private readonly page: Page) {}

  async goto(query = "") {
    await this.page.goto(`/events${query}`);
    await expect(this.page.getByRole("heading", { name: "Events", exact: true })).toBeVisible();
  }

  rows() {
    return this.page.getByRole("table", { name: "Events" }).locator("tbody tr");
  }

  async filter(values: { search?: string; status?: string; type?: string }) {
    if (values.search !== undefined) await this.page.getByLabel("Event or object id").fill(values.search);
    if (values.status !== undefined) await this.page.getByLabel("Status").selectOption(values.status);
    if (values.type !== undefined) await this.page.getByLabel("Type").selectOption(values.type);
    await this.page.getByRole("button", { name: "Apply filters" }).click();
  }

  resultCount() {
    return this.page.getByTestId("result-count");
  }
}
