import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { TEST_ADYEN_KEY, TEST_ADYEN_OLD_KEY, adyenDelivery, adyenItem, signItem } from "../../fixtures/adyen";
import { useTestDatabase } from "../helpers/db";
import { callRoute } from "../helpers/http";
import { drain } from "../processing/helpers";
import { setEnv } from "./env";
import { apiTokens, getObject, recordCount, storedEvents, webhookPost } from "./pipeline";

useTestDatabase();
let viewer: string;

beforeAll(async () => {
  setEnv({ ADYEN_HMAC_KEYS: TEST_ADYEN_KEY });
  ({ viewer } = await apiTokens());
});
afterEach(() => setEnv({ ADYEN_WEBHOOK_USERNAME: undefined, ADYEN_WEBHOOK_PASSWORD: undefined }));

const post = (delivery: { body: string; headers: Record<string, string> }) =>
  callRoute(webhookPost, {
    method: "POST",
    path: "/api/webhooks/adyen",
    params: { provider: "adyen" },
    ...delivery,
  });

/** Delivers signed items through the real webhook route, then processes everything due. */
async function deliver(...items: Record<string, unknown>[]) {
  const response = await post(adyenDelivery(items));
  expect(response.status).toBe(200);
  expect(response.text).toBe("[accepted]");
  await drain();
}

const at = (second: number) => new Date(Date.UTC(2025, 2, 1, 12, 0, second)).toISOString();
const object = (id: string) => getObject(viewer, "adyen", id);

describe("Adyen notifications become records visible through the objects API", () => {
  it("a batch (authorisation, capture, partial refund, chargeback) → one captured, refunded, disputed payment", async () => {
    await deliver(
      adyenItem({ pspReference: "PAY0000000000001", value: 5000, eventDate: at(0) }),
      adyenItem({
        pspReference: "CAP0000000000001",
        originalReference: "PAY0000000000001",
        eventCode: "CAPTURE",
        value: 5000,
        eventDate: at(10),
      }),
      adyenItem({
        pspReference: "REF0000000000001",
        originalReference: "PAY0000000000001",
        eventCode: "REFUND",
        value: 1500,
        eventDate: at(20),
      }),
      adyenItem({
        pspReference: "DSP0000000000001",
        originalReference: "PAY0000000000001",
        eventCode: "CHARGEBACK",
        value: 3500,
        eventDate: at(30),
        additionalData: { disputeStatus: "Undefended" },
      }),
    );
    const payment = await object("PAY0000000000001");
    expect(payment).toMatchObject({
      kind: "payment",
      status: "captured",
      amount: 5000,
      currency: "eur",
      amount_refunded: 1500,
      disputed: true,
      provider_created_at: at(0),
    });
    // The capture is an event about the payment; refunds and disputes are objects of their own.
    expect(payment!.events.map((event) => [event.type, event.status])).toEqual([
      ["AUTHORISATION", "processed"],
      ["CAPTURE", "processed"],
    ]);
    expect(payment!.related.map((row) => [row.object_id, row.kind, row.status]).sort()).toEqual([
      ["DSP0000000000001", "dispute", "Undefended"],
      ["REF0000000000001", "refund", "refunded"],
    ]);
    expect(await object("REF0000000000001")).toMatchObject({
      kind: "refund",
      status: "refunded",
      amount: 1500,
      payment_id: "PAY0000000000001",
    });
    expect(await object("DSP0000000000001")).toMatchObject({
      kind: "dispute",
      status: "Undefended",
      amount: 3500,
      payment_id: "PAY0000000000001",
    });
  });

  it("a CAPTURE before its AUTHORISATION ends captured with the authorised amount and creation time", async () => {
    await deliver(
      adyenItem({
        pspReference: "CAP0000000000002",
        originalReference: "PAY0000000000002",
        eventCode: "CAPTURE",
        value: 7100,
        eventDate: at(40),
      }),
    );
    expect(await object("PAY0000000000002")).toMatchObject({ status: "captured", amount: null });
    await deliver(
      adyenItem({ pspReference: "PAY0000000000002", value: 7100, currency: "USD", eventDate: at(5) }),
    );
    expect(await object("PAY0000000000002")).toMatchObject({
      kind: "payment",
      status: "captured",
      amount: 7100,
      currency: "usd",
      provider_created_at: at(5),
    });
  });

  it('an AUTHORISATION with success "false" is a refused payment, never an authorised one', async () => {
    await deliver(
      adyenItem({ pspReference: "PAY0000000000003", success: "false", value: 9999, reason: "Refused" }),
    );
    expect(await object("PAY0000000000003")).toMatchObject({
      kind: "payment",
      status: "refused",
      amount_refunded: 0,
    });
    // A failed modification of a refused payment changes nothing.
    await deliver(
      adyenItem({
        pspReference: "CAP0000000000003",
        originalReference: "PAY0000000000003",
        eventCode: "CAPTURE",
        success: "false",
      }),
    );
    expect((await object("PAY0000000000003"))!.status).toBe("refused");
  });

  it("a CAPTURE_FAILED after the CAPTURE wins in either delivery order", async () => {
    const capture = (psp: string, pay: string) =>
      adyenItem({ pspReference: psp, originalReference: pay, eventCode: "CAPTURE", eventDate: at(10) });
    const failed = (psp: string, pay: string) =>
      adyenItem({
        pspReference: psp,
        originalReference: pay,
        eventCode: "CAPTURE_FAILED",
        eventDate: at(50),
      });
    await deliver(
      adyenItem({ pspReference: "PAY0000000000004", eventDate: at(0) }),
      capture("CAP04", "PAY0000000000004"),
      failed("CAP04", "PAY0000000000004"),
    );
    await deliver(failed("CAP05", "PAY0000000000005"));
    await deliver(
      capture("CAP05", "PAY0000000000005"),
      adyenItem({ pspReference: "PAY0000000000005", eventDate: at(0) }),
    );
    expect((await object("PAY0000000000004"))!.status).toBe("capture_failed");
    expect((await object("PAY0000000000005"))!.status).toBe("capture_failed");
  });

  it("a REFUND_FAILED takes the refund back out of the payment's refunded amount", async () => {
    await deliver(
      adyenItem({ pspReference: "PAY0000000000006", value: 4000, eventDate: at(0) }),
      adyenItem({
        pspReference: "REF06A",
        originalReference: "PAY0000000000006",
        eventCode: "REFUND",
        value: 1000,
        eventDate: at(10),
      }),
      adyenItem({
        pspReference: "REF06B",
        originalReference: "PAY0000000000006",
        eventCode: "REFUND",
        value: 500,
        eventDate: at(11),
      }),
    );
    expect((await object("PAY0000000000006"))!.amount_refunded).toBe(1500);
    await deliver(
      adyenItem({
        pspReference: "REF06A",
        originalReference: "PAY0000000000006",
        eventCode: "REFUND_FAILED",
        value: 1000,
        eventDate: at(30),
      }),
    );
    expect(await object("PAY0000000000006")).toMatchObject({ status: "authorised", amount_refunded: 500 });
    expect((await object("REF06A"))!.status).toBe("refund_failed");
  });

  it("a dispute follows its latest event: chargeback, reversed (won), second chargeback (lost)", async () => {
    const dispute = (eventCode: string, second: number, disputeStatus: string) =>
      adyenItem({
        pspReference: "DSP0000000000007",
        originalReference: "PAY0000000000007",
        eventCode,
        value: 2500,
        eventDate: at(second),
        additionalData: { disputeStatus },
      });
    await deliver(dispute("CHARGEBACK_REVERSED", 30, "Won"));
    await deliver(
      dispute("CHARGEBACK", 20, "Undefended"),
      adyenItem({ pspReference: "PAY0000000000007", eventDate: at(0) }),
    );
    expect(await object("DSP0000000000007")).toMatchObject({ status: "Won", provider_created_at: at(20) });
    expect(await object("PAY0000000000007")).toMatchObject({ disputed: true });
    await deliver(dispute("SECOND_CHARGEBACK", 40, "Lost"));
    expect((await object("DSP0000000000007"))!.status).toBe("Lost");
  });

  it("REPORT_AVAILABLE is kept as a report record with its download URL", async () => {
    await deliver(
      adyenItem({
        pspReference: "settlement_detail_report_batch_7.csv",
        eventCode: "REPORT_AVAILABLE",
        reason: "https://ca-test.adyen.com/reports/download/settlement_detail_report_batch_7.csv",
      }),
    );
    expect(await object("settlement_detail_report_batch_7.csv")).toMatchObject({
      kind: "report",
      status: "available",
      amount: null,
      events: [expect.objectContaining({ type: "REPORT_AVAILABLE", status: "processed" })],
    });
  });
});

describe("deliveries that fail verification change nothing", () => {
  const before = async () => ({
    events: (await storedEvents("adyen")).length,
    records: await recordCount("adyen"),
  });

  it("tampered, forged, partly forged and unauthenticated deliveries store no event and create no record", async () => {
    const start = await before();
    const good = signItem(adyenItem({ pspReference: "PAY0000000000090", value: 100 }));

    // Tampered after signing: the amount raised in transit.
    const tampered = { ...good, amount: { currency: "EUR", value: 100000 } };
    const bodies = [
      adyenDelivery([tampered], { sign: false }),
      // Signed with a key we do not hold.
      adyenDelivery([adyenItem({ pspReference: "PAY0000000000091" })], { key: TEST_ADYEN_OLD_KEY }),
      // One good item beside a forged one: the whole delivery is refused.
      adyenDelivery(
        [
          good,
          { ...adyenItem({ pspReference: "PAY0000000000092" }), additionalData: { hmacSignature: "AAAA" } },
        ],
        {
          sign: false,
        },
      ),
      // No signature at all.
      adyenDelivery([adyenItem({ pspReference: "PAY0000000000093" })], { sign: false }),
    ];
    for (const body of bodies) expect((await post(body)).status).toBe(400);

    setEnv({ ADYEN_WEBHOOK_USERNAME: "adyen", ADYEN_WEBHOOK_PASSWORD: "s3cret-pass" });
    expect((await post(adyenDelivery([adyenItem({ pspReference: "PAY0000000000094" })]))).status).toBe(401);
    expect(
      (
        await post(
          adyenDelivery([adyenItem({ pspReference: "PAY0000000000095" })], {
            auth: { username: "adyen", password: "wrong" },
          }),
        )
      ).status,
    ).toBe(401);

    await drain();
    expect(await before()).toEqual(start);
    for (const id of [
      "PAY0000000000090",
      "PAY0000000000091",
      "PAY0000000000092",
      "PAY0000000000093",
      "PAY0000000000094",
    ])
      expect(await object(id)).toBeNull();

    // The same item, correctly signed and authenticated, goes through: the checks above could pass.
    expect(
      (
        await post(
          adyenDelivery([adyenItem({ pspReference: "PAY0000000000094" })], {
            auth: { username: "adyen", password: "s3cret-pass" },
          }),
        )
      ).status,
    ).toBe(200);
    await drain();
    expect((await object("PAY0000000000094"))!.status).toBe("authorised");
  });
});
