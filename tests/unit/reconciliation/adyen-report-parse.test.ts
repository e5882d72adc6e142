import { describe, expect, it } from "vitest";
import { toMinorUnits } from "@/lib/reconciliation/adyen/money";
import { parseSettlementReport } from "@/lib/reconciliation/adyen/report-parse";

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

describe("toMinorUnits", () => {
  it("converts by the currency's exponent with exact decimal arithmetic", () => {
    expect(toMinorUnits("10.29", "EUR")).toBe(1029);
    expect(toMinorUnits("0.1", "EUR")).toBe(10);
    expect(toMinorUnits("-4.35", "usd")).toBe(-435);
    expect(toMinorUnits("1500", "JPY")).toBe(1500);
    expect(toMinorUnits("1.500", "KWD")).toBe(1500);
    expect(toMinorUnits("12.3400", "EUR")).toBe(1234);
    expect(toMinorUnits("", "EUR")).toBeNull();
  });

  it("refuses precision the currency does not have, and anything not a plain decimal", () => {
    expect(() => toMinorUnits("10.001", "EUR")).toThrow(/more decimals/);
    expect(() => toMinorUnits("15.5", "JPY")).toThrow(/more decimals/);
    expect(() => toMinorUnits("1,234.50", "EUR")).toThrow(/not an amount/);
    expect(() => toMinorUnits("1e3", "EUR")).toThrow(/not an amount/);
  });
});

describe("parseSettlementReport", () => {
  const header =
    "Company Account,Merchant Account,Psp Reference,Merchant Reference,Payment Method,Creation Date,TimeZone,Type,Modification Reference,Gross Currency,Gross Debit (GC),Gross Credit (GC),Exchange Rate,Net Currency,Net Debit (NC),Net Credit (NC),Commission (NC),Markup (NC),Scheme Fees (NC),Interchange (NC),Payment Method Variant,Batch Number";

  it("reads lines by header name, converting times from the TimeZone column", async () => {
    const [summer, winter] = await collect(
      parseSettlementReport(
        [
          header,
          "Co,Shop,8815000000000001,order-1,visa,2025-07-01 12:00:00,CEST,Settled,,EUR,,100.00,1,EUR,,98.69,,0.31,0.20,0.80,visa,12",
          "Co,Shop,8815000000000002,order-2,mc,2025-01-10 12:00:00,Europe/Amsterdam,Refunded,8815000000000003,EUR,5.00,,1,EUR,5.00,,,,,,mc,12",
        ].join("\n"),
      ),
    );
    expect(summer).toMatchObject({
      lineNo: 2,
      pspReference: "8815000000000001",
      type: "Settled",
      grossCredit: 10000,
      netCredit: 9869,
      markup: 31,
      schemeFees: 20,
      interchange: 80,
      commission: null,
      batchNumber: 12,
    });
    expect(summer!.createdAt.toISOString()).toBe("2025-07-01T10:00:00.000Z");
    expect(winter!.createdAt.toISOString()).toBe("2025-01-10T11:00:00.000Z");
    expect(winter).toMatchObject({
      modificationReference: "8815000000000003",
      grossDebit: 500,
      netDebit: 500,
    });
  });

  it("names the line that is wrong, and rejects a file that is not this report", async () => {
    await expect(
      collect(
        parseSettlementReport(
          `${header}\nCo,Shop,1,o,visa,2025-01-10 12:00:00,UTC,Settled,,EUR,,1.234,1,EUR,,1,,,,,visa,1`,
        ),
      ),
    ).rejects.toThrow(/Line 2: .*more decimals/);
    await expect(
      collect(
        parseSettlementReport(
          `${header}\nCo,Shop,1,o,visa,10/01/2025,UTC,Settled,,EUR,,1,1,EUR,,1,,,,,visa,1`,
        ),
      ),
    ).rejects.toThrow(/Line 2: Creation Date/);
    await expect(collect(parseSettlementReport("Date,Amount\n2025-01-01,1.00"))).rejects.toThrow(
      /missing column/,
    );
  });
});
