import { expect, type Page } from "@playwright/test";

/** What one run's row shows, read in one go: its text and, while it runs, its progress. */
export type ShownRun = {
  text: string;
  progress: { stage: string; done: string; elapsed: string } | null;
};

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

  /**
   * The row as one snapshot. Reading the progress parts one locator at a time
   * would wait for ever on a part the next refresh removed when the run ended.
   */
  async shownRun(id: number): Promise<ShownRun> {
    return this.run(id).evaluate((row) => {
      const part = (name: string) => row.querySelector(`[data-testid="${name}"]`)?.textContent ?? null;
      const [stage, done, elapsed] = [
        part("progress-stage"),
        part("progress-done"),
        part("progress-elapsed"),
      ];
      return {
        text: row.textContent ?? "",
        progress: stage !== null && done !== null && elapsed !== null ? { stage, done, elapsed } : null,
      };
    });
  }
}
