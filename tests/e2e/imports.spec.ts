import http from "node:http";
import { expect, test } from "@playwright/test";
import { signInAs } from "./pages/login-page";
import { PayoutsPage } from "./pages/payouts-page";
import { E2E } from "./support/env";
import { saveScreenshot } from "./support/screenshots";

/**
 * CSV imports show their progress on /payouts while they run. The statement
 * is posted through the REST API in parts, the next part sent only once the
 * page has shown the rows of the last one, so the page must show the import
 * advancing (not only its end) and then its result.
 */
test.describe.configure({ mode: "serial" });

const ROWS_PER_PART = 10_000;
const PARTS = 3;
// Years before any run or payout the other specs make: these deposits match nothing.
const line = (index: number) =>
  `2019-03-${String(1 + (index % 28)).padStart(2, "0")},e2e import ${index},${(index % 500) + 1}.25,EUR\n`;
const part = (number: number) =>
  Array.from({ length: ROWS_PER_PART }, (_, offset) => line(number * ROWS_PER_PART + offset)).join("");

/** Starts a POST whose body the test writes part by part; resolves with the reply once it ends. */
function pacedUpload(body: string[]) {
  const length = body.reduce((sum, chunk) => sum + Buffer.byteLength(chunk), 0);
  const request = http.request(`${E2E.baseURL}/api/v1/bank-statements`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${E2E.apiToken}`,
      "content-type": "text/csv",
      "content-length": length,
    },
  });
  const reply = new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
    request.on("error", reject);
    request.on("response", (response) => {
      let text = "";
      response.on("data", (chunk: Buffer) => (text += chunk.toString()));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
    });
  });
  return { send: (index: number) => request.write(body[index]!), end: () => request.end(), reply };
}

test("a statement import's progress advances on the page while it runs, then shows its result", async ({
  page,
}) => {
  await signInAs(page, E2E.adminEmail, E2E.adminPassword);
  const payouts = new PayoutsPage(page);
  await payouts.goto();

  // The very last row waits for the end: once every byte is there, the import finishes.
  const rows = Array.from({ length: PARTS }, (_, n) => part(n));
  const lastRow = line(PARTS * ROWS_PER_PART - 1);
  rows[PARTS - 1] = rows[PARTS - 1]!.slice(0, -lastRow.length);
  const body = ["Date,Description,Amount,Currency\n", ...rows, lastRow];
  const upload = pacedUpload(body);
  upload.send(0);
  const seen: number[] = [];
  for (let sent = 1; sent <= PARTS; sent++) {
    upload.send(sent);
    const rowsSent = Math.min(sent * ROWS_PER_PART, PARTS * ROWS_PER_PART - 1);
    const running = payouts.importItem();
    // The reader holds back the last row of what has arrived until it sees what follows it.
    await expect
      .poll(async () => (await payouts.shown(running)).done, { timeout: 30_000 })
      .toBeGreaterThanOrEqual(rowsSent - 1);
    const shown = await payouts.shown(running);
    expect(shown).toMatchObject({ status: "running", stage: "Reading and checking rows" });
    // The upload declared its length, so the page estimates the total from the bytes read so far.
    expect(shown.total).toBeGreaterThan(0);
    await expect(running.getByRole("progressbar")).toBeVisible();
    seen.push(shown.done);
    if (sent === 2) await saveScreenshot(page, "payouts-import-running");
  }
  expect(seen[1]).toBeGreaterThan(seen[0]!);
  expect(seen[2]).toBeGreaterThan(seen[1]!);

  upload.send(PARTS + 1);
  upload.end();
  const reply = await upload.reply;
  expect(reply.status).toBe(201);
  expect(reply.body).toMatchObject({ deposits: PARTS * ROWS_PER_PART, covers_from: "2019-03-01" });
  const finished = payouts.importItem(reply.body.import_id as number);
  await expect(finished).toHaveAttribute("data-status", "succeeded", { timeout: 15_000 });
  await expect(finished).toContainText(
    `Imported ${PARTS * ROWS_PER_PART} deposits covering 2019-03-01 to 2019-03-28.`,
  );
  expect(await payouts.shown(finished)).toMatchObject({
    stage: "Imported",
    done: PARTS * ROWS_PER_PART,
    total: PARTS * ROWS_PER_PART,
  });
  await saveScreenshot(page, "payouts-import-done");
});

test("a statement uploaded through the page is imported, and a bad one is refused naming its line", async ({
  page,
}) => {
  await signInAs(page, E2E.adminEmail, E2E.adminPassword);
  const payouts = new PayoutsPage(page);
  await payouts.goto();

  const good = ["Booking date;Verwendungszweck;Betrag", "04.03.2019;e2e form upload;1.234,56", ""].join("\n");
  await payouts.uploadStatement("statement.csv", good, "eur");
  await expect(payouts.statementForm().getByRole("status")).toContainText(
    "Imported 1 deposits covering 2019-03-04 to 2019-03-04.",
  );

  const bad = ["Date,Amount,Currency", "2019-03-05,10.00,EUR", "2019-02-30,11.00,EUR", ""].join("\n");
  await payouts.uploadStatement("bad.csv", bad);
  await expect(payouts.statementForm().getByRole("alert")).toContainText(
    'Line 3: unreadable date "2019-02-30"',
  );
  await expect(payouts.imports().locator('li[data-status="failed"]').first()).toContainText(
    'Line 3: unreadable date "2019-02-30"',
  );
});
