import { expect, type Page } from "@playwright/test";

/** `/reconciliation`: the runs table and finance's "start a run" form. */
export class ReconciliationPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto("/reconciliation");
    await expect(this.page.getByRole("heading", { name: "Reconciliation", exact: true })).toBeVisible();
  }

  form() {
    return this.page.getByRole("form", { name: "Start a reconciliation run" });
  }

  /** Fills the form (datetime-local values are UTC minutes) and returns the queued run's id. */
  async startRun({ from, to, kind = "all" }: { from: Date; to: Date; kind?: string }): Promise<number> {
    const form = this.form();
    const minute = (date: Date) => date.toISOString().slice(0, 16);
    await form.getByLabel("Provider").selectOption("stripe");
    await form.getByLabel("Checks").selectOption(kind);
    await form.getByLabel("From (UTC)").fill(minute(from));
    await form.getByLabel("To (UTC, exclusive)").fill(minute(to));
    await form.getByRole("button", { name: "Start run" }).click();
    const queued = form.getByRole("status");
    await expect(queued).toContainText(/Run #\d+ queued/);
    return Number(/Run #(\d+)/.exec((await queued.textContent()) ?? "")![1]);
  }

  run(id: number) {
    return this.page
      .getByRole("table", { name: "Reconciliation runs" })
      .locator("tbody tr")
      .filter({ has: this.page.getByRole("cell", { name: `#${id}`, exact: true }) });
  }

  /** The run's live progress (stage, done of total, elapsed) while it is queued or running. */
  progress(id: number) {
    return this.run(id).getByTestId("progress");
  }
}
