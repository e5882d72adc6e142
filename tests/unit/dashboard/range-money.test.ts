import { describe, expect, it } from "vitest";
import { formatMoney, sumByCurrency } from "@/lib/money";
import { bucketStarts, resolveRange } from "@/lib/dashboard/range";

describe("resolveRange", () => {
  it("aligns the end to a whole bucket and covers the range with equal buckets", () => {
    const range = resolveRange("6h", new Date("2026-11-23T07:12:34Z"));
    expect(range.to.toISOString()).toBe("2026-11-23T07:15:00.000Z");
    expect(range.from.toISOString()).toBe("2026-11-23T01:15:00.000Z");
    expect(bucketStarts(range)).toHaveLength(72);
  });

  it("falls back to 24 h for unknown values", () => {
    expect(resolveRange("forever").key).toBe("24h");
    expect(resolveRange(["1h"]).key).toBe("24h");
  });
});

describe("money", () => {
  it("sums minor units per currency and skips rows without amount or currency", () => {
    expect(
      sumByCurrency([
        { amount: 100, currency: "usd" },
        { amount: 250, currency: "eur" },
        { amount: 5, currency: "usd" },
        { amount: null, currency: "usd" },
        { amount: 7, currency: null },
      ]),
    ).toEqual([
      { currency: "eur", amount: 250 },
      { currency: "usd", amount: 105 },
    ]);
  });

  it("formats zero-decimal currencies without dividing", () => {
    expect(formatMoney(12345, "eur")).toBe("€123.45");
    expect(formatMoney(500, "jpy")).toBe("¥500");
  });

  it("shows three-decimal currencies to the fils, and never rounds to Intl's own digits", () => {
    expect(formatMoney(12345, "kwd")).toBe("KWD\u00a012.345");
    expect(formatMoney(-1, "bhd")).toBe("-BHD\u00a00.001");
    // Intl shows ISK without decimals; Stripe counts it in hundredths.
    expect(formatMoney(12345, "isk")).toBe("ISK\u00a0123.45");
  });
});
