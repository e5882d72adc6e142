import { expect, type Page } from "@playwright/test";

/** `/discrepancies/{id}`: both sides, the object's events, and finance's actions. */
export class DiscrepancyPage {
  constructor(private readonly page: Page) {}

  async goto(id: number) {
    await this.page.goto(`/discrepancies/${id}`);
    await expect(this.page.getByRole("heading", { level: 1 })).toBeVisible();
  }

  /** The id in the URL of the detail page being shown. */
  id(): number {
    return Number(/\/discrepancies\/(\d+)/.exec(this.page.url())![1]);
  }

  /** The line under the title: status, provider, amount at risk, assignee. */
  summary() {
    return this.page.getByRole("heading", { level: 1 }).locator("xpath=following-sibling::p[1]");
  }

  private async expectDone(message: string | RegExp) {
    await expect(this.page.getByRole("status").filter({ hasText: message })).toBeVisible();
  }

  async resolve(reason: string, note: string) {
    await this.page.getByLabel("Reason").selectOption(reason);
    await this.page.getByLabel("Note").fill(note);
    await this.page.getByRole("button", { name: "Resolve", exact: true }).click();
    await this.expectDone("Resolved.");
    await expect(this.page.getByText("This discrepancy is resolved.")).toBeVisible();
  }

  async ignore(note: string) {
    await this.page.getByLabel("Note").fill(note);
    await this.page.getByRole("button", { name: "Ignore", exact: true }).click();
    await this.expectDone("Ignored.");
    await expect(this.page.getByText("This discrepancy is ignored.")).toBeVisible();
  }

  async assign(assignee: string) {
    await this.page.getByLabel("Assign to (email or name; empty to unassign)").fill(assignee);
    await this.page.getByRole("button", { name: "Save assignee" }).click();
    await this.expectDone(`Assigned to ${assignee}.`);
  }

  async comment(body: string) {
    await this.page.getByRole("textbox", { name: "Comment", exact: true }).fill(body);
    await this.page.getByRole("button", { name: "Add comment" }).click();
    await this.expectDone("Comment added.");
  }

  card(title: string | RegExp) {
    return this.page
      .locator("section")
      .filter({ has: this.page.getByRole("heading", { name: title, exact: typeof title === "string" }) })
      .first();
  }
}
