import { describe, expect, it } from "vitest";
import { parseAmount, parseDate, parseStatement } from "@/lib/reconciliation/bank/parse";

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

describe("bank statement amounts", () => {
  it.each([
    ["1,234.56", "eur", 123456],
    ["1.234,56", "eur", 123456],
    ["12,50", "eur", 1250],
    ["1,234", "eur", 123400],
    ["-12.5", "eur", -1250],
    ["(12.50)", "gbp", -1250],
    ["€ 12,00", "eur", 1200],
    ["1500", "jpy", 1500],
    ["12.345", "kwd", 12345],
  ])("%s %s → %i minor units", (raw, currency, minor) => {
    expect(parseAmount(raw, currency)).toBe(minor);
  });

  it("refuses what is not an amount or has more precision than the currency", () => {
    expect(parseAmount("abc", "eur")).toBeNull();
    expect(parseAmount("1.234", "jpy")).toBeNull();
    expect(parseAmount("", "eur")).toBeNull();
  });
});

describe("bank statement dates", () => {
  it.each([
    ["2025-01-31", "2025-01-31"],
    ["2025-01-31T10:00:00Z", "2025-01-31"],
    ["31/01/2025", "2025-01-31"],
    ["31.01.2025", "2025-01-31"],
    ["01/31/2025", "2025-01-31"],
  ])("%s → %s", (raw, iso) => expect(parseDate(raw)).toBe(iso));

  it.each(["40/40/2025", "2025-13-45", "2025-02-30", "31.04.2025", "2025-00-10", "29/02/2025"])(
    "refuses the impossible date %s",
    (raw) => expect(parseDate(raw)).toBeNull(),
  );

  it("takes 29 February in a leap year", () => expect(parseDate("29.02.2024")).toBe("2024-02-29"));
});

describe("statement import mapping", () => {
  it("reads a UK-style export with Paid in / Paid out columns and keeps credits only", async () => {
    const csv = [
      "Date,Description,Paid out,Paid in,Balance",
      '02/01/2025,"STRIPE PAYOUT po_123",,"1,050.00","9,000.00"',
      "03/01/2025,RENT,500.00,,8500.00",
    ].join("\n");
    expect(await collect(parseStatement({ source: csv, currency: "gbp" }))).toEqual([
      { bookedOn: "2025-01-02", amount: 105000, currency: "gbp", reference: "STRIPE PAYOUT po_123" },
    ]);
  });

  it("reads a German semicolon export with its own headers", async () => {
    const csv = ["Buchungstag;Verwendungszweck;Betrag;Währung", "31.01.2025;po_ABC Stripe;1.234,56;EUR"].join(
      "\n",
    );
    expect(await collect(parseStatement({ source: csv }))).toEqual([
      { bookedOn: "2025-01-31", amount: 123456, currency: "eur", reference: "po_ABC Stripe" },
    ]);
  });

  it("takes explicit column names when the header is unusual", async () => {
    const csv = ["When,What,How much", "2025-02-01,po_9,10.00"].join("\n");
    expect(
      await collect(
        parseStatement({
          source: csv,
          currency: "eur",
          columns: { date: "When", amount: "How much", reference: "What" },
        }),
      ),
    ).toEqual([{ bookedOn: "2025-02-01", amount: 1000, currency: "eur", reference: "po_9" }]);
  });

  it("says which line is wrong", async () => {
    await expect(
      collect(parseStatement({ source: "Date,Amount\n2025-01-01,1.00", currency: undefined })),
    ).rejects.toThrow(/Line 2/);
    await expect(collect(parseStatement({ source: "Foo,Bar\n1,2", currency: "eur" }))).rejects.toThrow(
      /date column/,
    );
  });
});
