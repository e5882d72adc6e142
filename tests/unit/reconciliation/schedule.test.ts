import { describe, expect, it } from "vitest";
import { dueOccurrences } from "@/lib/reconciliation/schedule";

describe("scheduled reconciliation periods", () => {
  it("covers yesterday, last ISO week and last month in UTC", () => {
    const due = dueOccurrences(new Date("2025-03-05T00:20:00Z")); // a Wednesday
    expect(
      due.map((occurrence) => [
        occurrence.key,
        occurrence.kind,
        occurrence.from.toISOString(),
        occurrence.to.toISOString(),
      ]),
    ).toEqual([
      ["daily:2025-03-04", "all", "2025-03-04T00:00:00.000Z", "2025-03-05T00:00:00.000Z"],
      ["weekly:2025-02-24", "transactions", "2025-02-24T00:00:00.000Z", "2025-03-03T00:00:00.000Z"],
      ["monthly:2025-02", "settlement", "2025-02-01T00:00:00.000Z", "2025-03-01T00:00:00.000Z"],
    ]);
  });

  it("rolls over the year in January", () => {
    const monthly = dueOccurrences(new Date("2025-01-01T01:00:00Z")).find((o) => o.kind === "settlement")!;
    expect(monthly.key).toBe("monthly:2024-12");
    expect(monthly.from.toISOString()).toBe("2024-12-01T00:00:00.000Z");
  });
});
