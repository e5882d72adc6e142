import { expect, type Page } from "@playwright/test";

export class DeadLettersPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto("/dead-letters");
    await expect(this.page.getByRole("heading", { name: "Dead letters" })).toBeVisible();
  }

  async selectEvent(id: number) {
    await this.page.getByLabel(`Select event ${id}`).check();
  }

  async replaySelected(reason: string) {
    await this.page.getByLabel("Reason (required, audited)").fill(reason);
    await this.page.getByRole("button", { name: "Replay selected" }).click();
    const dialog = this.page.getByRole("dialog");
    await expect(dialog).toBeVisible();
    return dialog;
  }
}
