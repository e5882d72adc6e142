import { expect, type Locator, type Page } from "@playwright/test";

/** What one import in the page's "Imports" list shows. */
export type ShownImport = { status: string | null; stage: string; done: number; total: number | null };

const number = (text: string | null) => Number((text ?? "").replace(/[^\d]/g, ""));

/** `/payouts`: the settlement table, the statement and report uploads, and the imports' progress. */
export class PayoutsPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto("/payouts");
    await expect(this.page.getByRole("heading", { name: "Payouts", exact: true })).toBeVisible();
  }

  imports(): Locator {
    return this.page.getByRole("list", { name: "Imports" });
  }

  /** An import by its id, or the newest one still running. */
  importItem(id?: number): Locator {
    return id === undefined
      ? this.imports().locator('li[data-status="running"]').first()
      : this.imports().getByRole("listitem", { name: new RegExp(` import ${id}$`) });
  }

  /** One snapshot of an import's item: read part by part, a refresh in between could remove a part for good. */
  async shown(item: Locator): Promise<ShownImport> {
    const parts = await item.evaluate((element) => {
      const part = (name: string) => element.querySelector(`[data-testid="${name}"]`)?.textContent ?? null;
      return {
        status: element.getAttribute("data-status"),
        stage: part("progress-stage") ?? "",
        done: part("progress-done"),
        total: part("progress-total"),
      };
    });
    return { ...parts, done: number(parts.done), total: parts.total === null ? null : number(parts.total) };
  }

  statementForm(): Locator {
    return this.page.getByRole("form", { name: "Import a bank statement" });
  }

  async uploadStatement(name: string, csv: string, currency = "") {
    const form = this.statementForm();
    await form
      .getByLabel(/^Statement/)
      .setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(csv) });
    if (currency) await form.getByLabel("Currency when the file has none").fill(currency);
    await form.getByRole("button", { name: "Import statement" }).click();
  }
}
