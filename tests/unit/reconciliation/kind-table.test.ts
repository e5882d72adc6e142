import { describe, expect, it } from "vitest";
import {
  DISCREPANCY_KINDS,
  kindsChecked,
  RECOVERABLE_KINDS,
  runKindChecking,
  type DiscrepancyKind,
} from "@/lib/reconciliation-vocabulary";

describe("the discrepancy-kind table", () => {
  it("keeps the thirteen kinds lib/reconciliation/README.md describes, in their fixed order", () => {
    expect(DISCREPANCY_KINDS).toEqual([
      "missing_internal",
      "missing_at_provider",
      "amount_mismatch",
      "currency_mismatch",
      "status_mismatch",
      "refund_mismatch",
      "dispute_mismatch",
      "fee_mismatch",
      "payout_mismatch",
      "deposit_missing",
      "deposit_mismatch",
      "duplicate_charge",
      "fx_mismatch",
    ]);
  });

  it("has recovery look at the findings a missed webhook explains: ours absent or behind", () => {
    expect(RECOVERABLE_KINDS).toEqual([
      "missing_internal",
      "amount_mismatch",
      "currency_mismatch",
      "status_mismatch",
      "refund_mismatch",
      "dispute_mismatch",
    ]);
  });

  it("has a Stripe run of kind all check every kind, and narrower runs only theirs", () => {
    expect(kindsChecked({ runKind: "all", provider: "stripe" })).toEqual(DISCREPANCY_KINDS);
    expect(kindsChecked({ runKind: "fees", provider: "stripe" })).toEqual(["fee_mismatch", "fx_mismatch"]);
    expect(kindsChecked({ runKind: "settlement", provider: "stripe" })).toEqual([
      "payout_mismatch",
      "deposit_missing",
      "deposit_mismatch",
    ]);
    const transactions = kindsChecked({ runKind: "transactions", provider: "stripe" });
    expect(transactions).toContain("missing_internal");
    expect(transactions).toContain("duplicate_charge");
    expect(transactions).not.toContain("fee_mismatch");
  });

  it("checks for each provider only what its books can show", () => {
    const adyen = kindsChecked({ runKind: "all", provider: "adyen" });
    // Adyen sends no CAPTURE webhook for auto-captured payments: a status cannot be contradicted.
    expect(adyen).not.toContain("status_mismatch");
    expect(adyen).toContain("fee_mismatch");
    expect(adyen).not.toContain("deposit_missing");
    const mangopay = kindsChecked({ runKind: "all", provider: "mangopay" });
    expect(mangopay).not.toContain("fee_mismatch");
    expect(mangopay).not.toContain("payout_mismatch");
    expect(mangopay).toContain("deposit_mismatch");
    expect(kindsChecked({ runKind: "fees", provider: "mangopay" })).toEqual([]);
    expect(kindsChecked({ runKind: "all", provider: "unknown" })).toEqual([]);
  });

  it("re-checks each kind with the narrowest run that covers it", () => {
    const expected: Partial<Record<DiscrepancyKind, string>> = {
      missing_internal: "transactions",
      duplicate_charge: "transactions",
      fee_mismatch: "fees",
      fx_mismatch: "fees",
      payout_mismatch: "settlement",
      deposit_missing: "settlement",
    };
    for (const [kind, runKind] of Object.entries(expected))
      expect(runKindChecking(kind as DiscrepancyKind)).toBe(runKind);
    for (const kind of DISCREPANCY_KINDS)
      expect(kindsChecked({ runKind: runKindChecking(kind), provider: "stripe" })).toContain(kind);
  });
});
