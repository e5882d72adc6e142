import { beforeAll, describe, expect, it } from "vitest";
import { POST as statementRoute } from "@/app/api/v1/bank-statements/route";
import { POST as reportRoute } from "@/app/api/v1/settlement-reports/adyen/route";
import { rawSql } from "@/db";
import type { Principal } from "@/lib/auth/principal";
import { insertToken } from "@/lib/auth/tokens";
import { listRecentImports } from "@/lib/imports/queries";
import { importBankStatement } from "@/lib/reconciliation/bank/import";
import { useTestDatabase } from "../helpers/db";
import { callRoute } from "../helpers/http";

/**
 * CSV imports stream: rows are parsed and staged while the upload is still
 * arriving, their progress is on record for the dashboard meanwhile, and the
 * import commits whole at the end or not at all.
 */
useTestDatabase();
const finance: Principal = { kind: "token", id: "t-finance", actor: "token:finance", role: "finance" };
let financeToken: string;
let viewerToken: string;

const statementLine = (index: number) => {
  const day = String(1 + (index % 28)).padStart(2, "0");
  return `2025-02-${day},po_${index} Stripe payout,${(index % 9000) + 1}.${String(index % 100).padStart(2, "0")},EUR`;
};
const statement = (rows: number, broken?: { at: number; line: string }) => {
  const lines = ["Date,Reference,Amount,Currency"];
  for (let index = 0; index < rows; index++)
    lines.push(broken && lines.length + 1 === broken.at ? broken.line : statementLine(index));
  return lines.join("\n") + "\n";
};

async function counts() {
  const [row] = await rawSql()<{ statements: number; deposits: number; reports: number; rows: number }[]>`
    select (select count(*)::int from bank_statements) as statements,
           (select count(*)::int from bank_deposits) as deposits,
           (select count(*)::int from adyen_settlement_reports) as reports,
           (select count(*)::int from adyen_settlement_rows) as rows`;
  return row!;
}

async function lastImport() {
  const [row] = await rawSql()<
    { id: number; kind: string; status: string; stage: string; rows_done: number; error: string | null }[]
  >`select id, kind, status, stage, rows_done, error from imports order by id desc limit 1`;
  return row;
}

async function waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting; last ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const postStatement = (body: string, token = financeToken) =>
  callRoute(statementRoute, { method: "POST", path: "/api/v1/bank-statements", token, body });
const postReport = (body: string) =>
  callRoute(reportRoute, {
    method: "POST",
    path: "/api/v1/settlement-reports/adyen",
    token: financeToken,
    body,
  });

beforeAll(async () => {
  financeToken = (await insertToken({ name: "finance", role: "finance", createdBy: "test" })).token;
  viewerToken = (await insertToken({ name: "viewer", role: "viewer", createdBy: "test" })).token;
});

describe("streaming CSV import", () => {
  it("imports rows while the rest of the file is still to come, showing its progress, and commits only at the end", async () => {
    const first = statement(20_000);
    const rest =
      Array.from({ length: 30_000 }, (_, index) => statementLine(20_000 + index)).join("\n") + "\n";
    const bytesTotal = Buffer.byteLength(first) + Buffer.byteLength(rest);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    async function* upload() {
      for (let at = 0; at < first.length; at += 64 * 1024)
        yield new Uint8Array(Buffer.from(first.slice(at, at + 64 * 1024)));
      await gate;
      yield new Uint8Array(Buffer.from(rest));
    }
    const before = await counts();
    const importing = importBankStatement({
      principal: finance,
      upload: { chunks: upload(), bytesTotal },
      options: {},
    });

    // The first 20,000 rows are read and on record while the upload waits for the rest.
    // (csv-parse holds a chunk's last record until it sees what follows it.)
    const running = await waitFor(lastImport, (row) => (row?.rows_done ?? 0) >= 19_999);
    expect(running).toMatchObject({ kind: "bank_statement", status: "running", stage: "reading" });
    const [shown] = await listRecentImports({ principal: finance });
    expect(shown).toMatchObject({ id: Number(running!.id), status: "running", approximate: true });
    expect(shown!.done).toBeGreaterThanOrEqual(19_999);
    expect(shown!.done).toBeLessThanOrEqual(20_000);
    // Estimated from the share of bytes read: about 50,000 rows in all.
    expect(shown!.total).toBeGreaterThan(40_000);
    expect(shown!.total).toBeLessThan(60_000);
    // Staged inside the import's transaction: nothing is visible to anyone else yet.
    expect(await counts()).toEqual(before);

    release();
    const result = await importing;
    expect(result).toMatchObject({ deposits: 50_000, covers_from: "2025-02-01", covers_to: "2025-02-28" });
    expect((await counts()).deposits - before.deposits).toBe(50_000);
    expect(await lastImport()).toMatchObject({ status: "succeeded", stage: "done", rows_done: 50_000 });
    const [done] = await listRecentImports({ principal: finance });
    expect(done).toMatchObject({
      status: "succeeded",
      done: 50_000,
      total: 50_000,
      approximate: false,
      message: "Imported 50000 deposits covering 2025-02-01 to 2025-02-28.",
    });
  });

  it("rejects a bad row deep in a large statement with its line number, importing none of it", async () => {
    const before = await counts();
    const csv = statement(60_000, { at: 45_678, line: "2025-13-45,po_bad,10.00,EUR" });
    const response = await postStatement(csv);
    expect(response.status).toBe(400);
    expect(response.json()).toEqual({ error: 'Line 45678: unreadable date "2025-13-45"' });
    expect(await counts()).toEqual(before);
    expect(await lastImport()).toMatchObject({
      status: "failed",
      error: 'Line 45678: unreadable date "2025-13-45"',
    });
    const [audit] = await rawSql()<{ count: number }[]>`
      select count(*)::int as count from audit_log where action = 'bank_statement.import'`;
    expect(audit?.count).toBe(1); // the successful import above, not this one
  });

  it.each([
    ["an unreadable amount", "2025-02-03,po_x,12.3.4.5x,EUR", 'Line 7: unreadable amount "12.3.4.5x"'],
    ["an unclosed quote", '2025-02-03,"po_x,10.00,EUR', "Line 7: a quoted field is never closed"],
    ["no currency", "2025-02-03,po_x,10.00,", "Line 7: no currency (add a Currency column or ?currency=eur)"],
  ])("names the line of %s", async (_name, line, error) => {
    const before = await counts();
    const response = await postStatement(statement(10, { at: 7, line }));
    expect({ status: response.status, body: response.json() }).toEqual({ status: 400, body: { error } });
    expect(await counts()).toEqual(before);
  });

  it("imports nothing when the upload is cut off mid-file", async () => {
    const before = await counts();
    async function* dropped() {
      yield new Uint8Array(Buffer.from(statement(5000)));
      throw new TypeError("terminated");
    }
    await expect(
      importBankStatement({
        principal: finance,
        upload: { chunks: dropped(), bytesTotal: null },
        options: {},
      }),
    ).rejects.toThrow("The upload was cut off before the whole file arrived");
    expect(await counts()).toEqual(before);
    expect(await lastImport()).toMatchObject({ status: "failed" });
  });

  it("refuses a viewer before reading anything or recording an import", async () => {
    const [recorded] = await rawSql()<{ count: number }[]>`select count(*)::int as count from imports`;
    const response = await postStatement(statement(3), viewerToken);
    expect(response.status).toBe(403);
    const [after] = await rawSql()<{ count: number }[]>`select count(*)::int as count from imports`;
    expect(after?.count).toBe(recorded?.count);
  });

  it("rejects a bad line of an Adyen report with its number and keeps none of the report", async () => {
    const header =
      "Company Account,Merchant Account,Psp Reference,Merchant Reference,Payment Method,Creation Date,TimeZone,Type,Modification Reference,Gross Currency,Gross Debit (GC),Gross Credit (GC),Exchange Rate,Net Currency,Net Debit (NC),Net Credit (NC),Commission (NC),Markup (NC),Scheme Fees (NC),Interchange (NC),Payment Method Variant,Batch Number";
    const line = (index: number, amount = "10.00") =>
      `Co,Shop,${8800000000000000 + index},order-${index},visa,2025-03-01 10:00:00,UTC,Settled,,EUR,,${amount},1,EUR,,9.80,,0.10,0.05,0.05,visa,3`;
    const lines = [header, ...Array.from({ length: 20_000 }, (_, index) => line(index))];
    lines[12_345 - 1] = line(12_345, "10.001");
    const before = await counts();
    const response = await postReport(lines.join("\r\n"));
    expect(response.status).toBe(400);
    expect((response.json() as { error: string }).error).toMatch(
      /^Line 12345: "10.001" has more decimals than EUR/,
    );
    expect(await counts()).toEqual(before);
    expect(await lastImport()).toMatchObject({ kind: "adyen_settlement_report", status: "failed" });

    // The same file without the bad line imports whole, and its progress record says so.
    lines[12_345 - 1] = line(12_345);
    const good = await postReport(lines.join("\r\n"));
    expect(good.status).toBe(201);
    expect(good.json()).toMatchObject({ lines: 20_000, covers_from: "2025-03-01T00:00:00.000Z" });
    expect((await counts()).rows - before.rows).toBe(20_000);
    expect(await lastImport()).toMatchObject({ status: "succeeded", rows_done: 20_000 });
  });

  it("shows an import whose process died as interrupted", async () => {
    await rawSql()`insert into imports (kind, started_by, rows_done, started_at, updated_at)
      values ('bank_statement', 'token:finance', 1234, now() - interval '20 minutes', now() - interval '10 minutes')`;
    const [shown] = (await listRecentImports({ principal: finance, limit: 50 })).filter(
      (item) => item.done === 1234,
    );
    expect(shown).toMatchObject({ status: "interrupted", total: null });
    expect(shown!.elapsedMs).toBeGreaterThanOrEqual(10 * 60_000 - 1000);
    expect(shown!.elapsedMs).toBeLessThan(11 * 60_000);
  });
});
