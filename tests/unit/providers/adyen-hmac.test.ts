import { describe, expect, it } from "vitest";
import { isValidBasicAuth } from "@/lib/providers/adyen/basic-auth";
import { normaliseAdyenItem, parseAdyenNotification, type AdyenItem } from "@/lib/providers/adyen/normalise";
import { adyenHmacValidator, isValidAdyenSignature, signableItem } from "@/lib/providers/adyen/signature";
import {
  ADYEN_DOC_ITEM,
  ADYEN_DOC_KEY,
  ADYEN_DOC_SIGNATURE,
  TEST_ADYEN_KEY,
  TEST_ADYEN_OLD_KEY,
  adyenItem,
  signItem,
} from "../../fixtures/adyen";

const withSignature = (item: Record<string, unknown>, signature: unknown) =>
  ({
    ...item,
    additionalData: { ...(item.additionalData as object), hmacSignature: signature },
  }) as unknown as AdyenItem;
const docItem = ADYEN_DOC_ITEM as unknown as AdyenItem;

describe("Adyen HMAC (standard notifications, through @adyen/api-library)", () => {
  it("reproduces Adyen's published example", () => {
    expect(adyenHmacValidator.getDataToSign(signableItem(ADYEN_DOC_ITEM))).toBe(
      "7914073381342284::TestMerchant:TestPayment-1407325143704:1130:EUR:AUTHORISATION:true",
    );
    expect(adyenHmacValidator.calculateHmac(signableItem(ADYEN_DOC_ITEM), ADYEN_DOC_KEY)).toBe(
      ADYEN_DOC_SIGNATURE,
    );
    expect(isValidAdyenSignature(docItem, [ADYEN_DOC_KEY])).toBe(true);
  });

  it("accepts the key in lower-case hex too", () => {
    expect(isValidAdyenSignature(docItem, [ADYEN_DOC_KEY.toLowerCase()])).toBe(true);
  });

  it.each([
    ["amount", { amount: { currency: "EUR", value: 1131 } }],
    ["currency", { amount: { currency: "USD", value: 1130 } }],
    ["success", { success: "false" }],
    ["event code", { eventCode: "CAPTURE" }],
    ["psp reference", { pspReference: "7914073381342285" }],
    ["merchant account", { merchantAccountCode: "OtherMerchant" }],
    ["merchant reference", { merchantReference: "TestPayment-1" }],
    ["original reference", { originalReference: "1234" }],
  ])("rejects a tampered %s", (_name, change) => {
    expect(isValidAdyenSignature({ ...docItem, ...change } as AdyenItem, [ADYEN_DOC_KEY])).toBe(false);
  });

  it("rejects a wrong key, an unsigned item and a missing, empty or malformed signature", () => {
    expect(isValidAdyenSignature(docItem, [TEST_ADYEN_KEY])).toBe(false);
    const { hmacSignature: _dropped, ...unsignedData } = ADYEN_DOC_ITEM.additionalData;
    expect(isValidAdyenSignature({ ...docItem, additionalData: unsignedData }, [ADYEN_DOC_KEY])).toBe(false);
    expect(isValidAdyenSignature({ ...docItem, additionalData: undefined }, [ADYEN_DOC_KEY])).toBe(false);
    expect(isValidAdyenSignature(withSignature(ADYEN_DOC_ITEM, ""), [ADYEN_DOC_KEY])).toBe(false);
    expect(isValidAdyenSignature(withSignature(ADYEN_DOC_ITEM, "short"), [ADYEN_DOC_KEY])).toBe(false);
    expect(isValidAdyenSignature(withSignature(ADYEN_DOC_ITEM, 12345), [ADYEN_DOC_KEY])).toBe(false);
    expect(isValidAdyenSignature(docItem, [])).toBe(false);
  });

  it("verifies with any configured key (rotation), and with neither once the old key is dropped", () => {
    const item = signItem(adyenItem(), TEST_ADYEN_OLD_KEY) as AdyenItem;
    expect(isValidAdyenSignature(item, [TEST_ADYEN_KEY, TEST_ADYEN_OLD_KEY])).toBe(true);
    expect(isValidAdyenSignature(item, [TEST_ADYEN_OLD_KEY, TEST_ADYEN_KEY])).toBe(true);
    expect(isValidAdyenSignature(item, [TEST_ADYEN_KEY])).toBe(false);
  });

  it("signs an item without an amount over empty amount fields instead of throwing", () => {
    const { amount: _dropped, ...rest } = adyenItem();
    const item = signItem(rest, TEST_ADYEN_KEY) as AdyenItem;
    expect(isValidAdyenSignature(item, [TEST_ADYEN_KEY])).toBe(true);
    expect(isValidAdyenSignature({ ...item, amount: { value: 1, currency: "EUR" } }, [TEST_ADYEN_KEY])).toBe(
      false,
    );
  });
});

describe("Adyen Basic auth", () => {
  const header = (pair: string) => `Basic ${Buffer.from(pair).toString("base64")}`;
  it("accepts only the configured pair", () => {
    expect(isValidBasicAuth(header("adyen:s3cret"), "adyen", "s3cret")).toBe(true);
    expect(isValidBasicAuth(header("adyen:wrong"), "adyen", "s3cret")).toBe(false);
    expect(isValidBasicAuth(header("other:s3cret"), "adyen", "s3cret")).toBe(false);
    expect(isValidBasicAuth(null, "adyen", "s3cret")).toBe(false);
    expect(isValidBasicAuth("Bearer abc", "adyen", "s3cret")).toBe(false);
  });
});

describe("Adyen notification parsing", () => {
  it("keeps `success` a string and rejects booleans or fractional amounts", () => {
    const wrap = (item: unknown) => ({
      live: "false",
      notificationItems: [{ NotificationRequestItem: item }],
    });
    expect(parseAdyenNotification(wrap({ ...ADYEN_DOC_ITEM, success: true }))).toMatchObject({ ok: false });
    expect(
      parseAdyenNotification(wrap({ ...ADYEN_DOC_ITEM, amount: { currency: "EUR", value: 11.3 } })),
    ).toMatchObject({
      ok: false,
      reason: "invalid_amount",
    });
    expect(parseAdyenNotification({ notificationItems: [] })).toMatchObject({ ok: false });
    expect(parseAdyenNotification(wrap(ADYEN_DOC_ITEM))).toMatchObject({ ok: true, live: false });
  });

  it("dedups on pspReference + eventCode + success and scopes to the merchant account", () => {
    const parsed = parseAdyenNotification({
      live: "false",
      notificationItems: [{ NotificationRequestItem: ADYEN_DOC_ITEM }],
    });
    if (!parsed.ok) throw new Error(parsed.reason);
    const event = normaliseAdyenItem(parsed.items[0]!, parsed.live);
    expect(event).toMatchObject({
      providerEventId: "7914073381342284:AUTHORISATION:true",
      type: "AUTHORISATION",
      account: "TestMerchant",
      objectId: "7914073381342284",
      objectType: "payment",
      handled: true,
      livemode: false,
    });
    expect(normaliseAdyenItem({ ...parsed.items[0]!, eventCode: "OFFER_CLOSED" }, false).handled).toBe(false);
  });
});
