import { describe, expect, it } from "vitest";
import { compare } from "@/lib/reconciliation/verify";

const record = {
  kind: "payment",
  object_id: "pi_1",
  charge_id: "ch_1",
  status: "succeeded",
  amount: 1000,
  currency: "eur",
  amount_refunded: 0,
};
const intent = { provider: "stripe", objectType: "payment_intent", objectId: "pi_1" };

describe("verify via API comparison", () => {
  it("finds nothing when the provider agrees", () => {
    expect(compare(intent, record, { amount: 1000, currency: "eur", status: "succeeded" })).toEqual([]);
  });

  it("flags each difference with the provider's value as expected", () => {
    const kinds = compare(intent, record, { amount: 1200, currency: "usd", status: "canceled" }).map((f) => [
      f.kind,
      f.expected,
    ]);
    expect(kinds).toEqual([
      ["amount_mismatch", { amount: 1200 }],
      ["currency_mismatch", { currency: "usd" }],
      ["status_mismatch", { status: "canceled" }],
    ]);
  });

  it("compares a charge's refunds but not its own status vocabulary", () => {
    const charge = { ...intent, objectType: "charge", objectId: "ch_1" };
    const found = compare(charge, record, {
      amount: 1000,
      currency: "eur",
      status: "succeeded",
      amount_refunded: 300,
    });
    expect(found.map((f) => f.kind)).toEqual(["refund_mismatch"]);
  });

  it("an object the provider does not know is missing there", () => {
    expect(compare(intent, record, null).map((f) => f.kind)).toEqual(["missing_at_provider"]);
  });
});
