import { expect, type Page } from "@playwright/test";

/** `/discrepancies`: the finance work list, filtered through the URL. */
export class DiscrepanciesPage {
  constructor(private readonly page: Page) {}

  async goto(query = "") {
    await this.page.goto(`/discrepancies${query}`);
    await expect(this.page.getByRole("heading", { name: "Discrepancies", exact: true })).toBeVisible();
  }

  async filter(values: { status?: string; kind?: string; run?: string }) {
    const form = this.page.getByRole("search", { name: "Filter discrepancies" });
    if (values.status !== undefined) await form.getByLabel("Status").selectOption(values.status);
    if (values.kind !== undefined) await form.getByLabel("Kind").selectOption(values.kind);
    if (values.run !== undefined) await form.getByLabel("Run").fill(values.run);
    await form.getByRole("button", { name: "Apply" }).click();
  }

  /** The line above the list: how many are open and the money they put at risk. */
  openAtRisk() {
    return this.page.getByTestId("open-at-risk");
  }

  table() {
    return this.page.getByRole("table", { name: "Discrepancies" });
  }

  rows() {
    return this.table().locator("tbody tr");
  }

  row(objectId: string) {
    return this.rows().filter({ has: this.page.getByRole("link", { name: objectId, exact: true }) });
  }

  async open(objectId: string) {
    await this.row(objectId).getByRole("link", { name: objectId, exact: true }).click();
    await expect(this.page.getByRole("heading", { level: 1, name: new RegExp(objectId) })).toBeVisible();
  }
}
