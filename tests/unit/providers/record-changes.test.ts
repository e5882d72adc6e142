import { describe, expect, it } from "vitest";
import { adyenRecordChanges } from "@/lib/providers/adyen/records";
import type { AdyenItem } from "@/lib/providers/adyen/normalise";
import { mangopayRecordChange } from "@/lib/providers/mangopay/records";
import { adyenItem } from "../../fixtures/adyen";
import { mangopayDispute, mangopayPayIn, mangopayRefund } from "../../fixtures/fake-mangopay";

const item = (input: Parameters<typeof adyenItem>[0]) => adyenItem(input) as unknown as AdyenItem;

describe("Adyen items → record changes", () => {
  it("records a successful AUTHORISATION as an authorised payment in minor units", () => {
    expect(adyenRecordChanges(item({ pspReference: "P1", value: 1130, currency: "EUR" }))).toEqual([
      expect.objectContaining({
        kind: "payment",
        objectId: "P1",
        status: "authorised",
        amount: 1130,
        currency: "eur",
      }),
    ]);
  });

  it('records AUTHORISATION with success "false" as a refusal, not a payment', () => {
    const [change] = adyenRecordChanges(item({ pspReference: "P2", success: "false" }));
    expect(change).toMatchObject({ kind: "payment", objectId: "P2", status: "refused" });
  });

  it("links refunds, captures, cancellations and chargebacks through originalReference", () => {
    expect(
      adyenRecordChanges(
        item({ pspReference: "R1", originalReference: "P1", eventCode: "REFUND", value: 500 }),
      ),
    ).toEqual([
      expect.objectContaining({
        kind: "refund",
        objectId: "R1",
        parentId: "P1",
        status: "refunded",
        amount: 500,
      }),
    ]);
    expect(
      adyenRecordChanges(item({ pspReference: "R1", originalReference: "P1", eventCode: "REFUND_FAILED" })),
    ).toEqual([expect.objectContaining({ kind: "refund", objectId: "R1", status: "refund_failed" })]);
    expect(
      adyenRecordChanges(item({ pspReference: "C1", originalReference: "P1", eventCode: "CAPTURE" })),
    ).toEqual([
      expect.objectContaining({ kind: "payment", objectId: "P1", status: "captured", amount: null }),
    ]);
    expect(
      adyenRecordChanges(item({ pspReference: "X1", originalReference: "P1", eventCode: "CANCELLATION" })),
    ).toEqual([expect.objectContaining({ kind: "payment", objectId: "P1", status: "cancelled" })]);
    expect(
      adyenRecordChanges(item({ pspReference: "D1", originalReference: "P1", eventCode: "CHARGEBACK" })),
    ).toEqual([
      expect.objectContaining({ kind: "dispute", objectId: "D1", parentId: "P1", status: "chargeback" }),
    ]);
    expect(
      adyenRecordChanges(
        item({ pspReference: "D1", originalReference: "P1", eventCode: "CHARGEBACK_REVERSED" }),
      ),
    ).toEqual([expect.objectContaining({ kind: "dispute", objectId: "D1", status: "chargeback_reversed" })]);
    expect(
      adyenRecordChanges(
        item({
          pspReference: "D1",
          originalReference: "P1",
          eventCode: "CHARGEBACK_REVERSED",
          additionalData: { disputeStatus: "Won" },
        }),
      ),
    ).toEqual([expect.objectContaining({ kind: "dispute", objectId: "D1", status: "Won" })]);
  });

  it("ignores failed modifications and unknown codes; REPORT_AVAILABLE is a report", () => {
    expect(
      adyenRecordChanges(item({ originalReference: "P1", eventCode: "CAPTURE", success: "false" })),
    ).toEqual([]);
    expect(adyenRecordChanges(item({ eventCode: "OFFER_CLOSED" }))).toEqual([]);
    expect(
      adyenRecordChanges(
        item({
          pspReference: "settlement_detail_report_batch_1.csv",
          eventCode: "REPORT_AVAILABLE",
          reason: "https://ca-test.adyen.com/reports/x.csv",
        }),
      ),
    ).toEqual([
      expect.objectContaining({
        kind: "report",
        status: "available",
        details: { url: "https://ca-test.adyen.com/reports/x.csv" },
      }),
    ]);
  });
});

describe("MangoPay resources → record changes", () => {
  it("takes status and amount from the API's pay-in, never from the hook", () => {
    expect(
      mangopayRecordChange(
        "payin",
        mangopayPayIn({ Id: "in1", Status: "FAILED", Amount: 990, Fees: 10 }),
        new Date(),
      ),
    ).toMatchObject({
      kind: "payment",
      objectId: "in1",
      status: "FAILED",
      amount: 990,
      currency: "eur",
      fee: 10,
    });
  });

  it("links refunds and disputes to their pay-in", () => {
    expect(
      mangopayRecordChange(
        "refund",
        mangopayRefund({ Id: "rf1", Status: "SUCCEEDED", InitialTransactionId: "in1", Amount: 300 }),
        new Date(),
      ),
    ).toMatchObject({
      kind: "refund",
      parentId: "in1",
      amount: 300,
    });
    expect(
      mangopayRecordChange(
        "dispute",
        mangopayDispute({ Id: "dp1", Status: "PENDING_CLIENT_ACTION", InitialTransactionId: "in1" }),
        new Date(),
      ),
    ).toMatchObject({
      kind: "dispute",
      parentId: "in1",
      status: "PENDING_CLIENT_ACTION",
    });
  });

  it("refuses a response that is not a resource", () => {
    expect(mangopayRecordChange("payin", { Message: "oops" }, new Date())).toBeNull();
  });
});
