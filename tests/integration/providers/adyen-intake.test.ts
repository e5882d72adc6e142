import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  ADYEN_DOC_ITEM,
  ADYEN_DOC_KEY,
  TEST_ADYEN_KEY,
  TEST_ADYEN_OLD_KEY,
  adyenDelivery,
  adyenItem,
  signItem,
} from "../../fixtures/adyen";
import { useTestDatabase, withSql } from "../helpers/db";
import { WEBHOOK_PATHS } from "../helpers/webhook-paths";
import { setEnv } from "./env";

beforeAll(() => {
  setEnv({ ADYEN_HMAC_KEYS: `${TEST_ADYEN_KEY},${TEST_ADYEN_OLD_KEY},${ADYEN_DOC_KEY}` });
});
afterEach(() => setEnv({ ADYEN_WEBHOOK_USERNAME: undefined, ADYEN_WEBHOOK_PASSWORD: undefined }));

describe.each(WEBHOOK_PATHS)("POST /api/webhooks/adyen through $name", ({ deliver }) => {
  const database = useTestDatabase();

  const post = (delivery: { body: string; headers: Record<string, string> }) =>
    deliver({ method: "POST", path: "/api/webhooks/adyen", ...delivery });

  type Row = { provider_event_id: string; type: string; status: string; account: string; object_id: string };
  const eventsFor = (pspReferences: string[]) =>
    withSql(
      database.url,
      (sql) => sql<Row[]>`
        select provider_event_id, type, status, account, object_id from events
        where provider = 'adyen' and object_id in ${sql(pspReferences)} order by id`,
    );
  const rejections = () =>
    withSql(database.url, async (sql) => {
      const [row] = await sql<
        { n: number }[]
      >`select count(*)::int as n from rejected_deliveries where provider = 'adyen'`;
      return row!.n;
    });

  it("accepts Adyen's documented item signed with the documented key and replies [accepted]", async () => {
    const response = await post(adyenDelivery([ADYEN_DOC_ITEM], { sign: false }));
    expect(response.status).toBe(200);
    expect(response.text).toBe("[accepted]");
    expect(await eventsFor(["7914073381342284"])).toEqual([
      {
        provider_event_id: "7914073381342284:AUTHORISATION:true",
        type: "AUTHORISATION",
        status: "pending",
        account: "TestMerchant",
        object_id: "7914073381342284",
      },
    ]);
  });

  it("stores one event per item of a batch, and a redelivery stores nothing new", async () => {
    const payment = adyenItem({ pspReference: "8800000000000101" });
    const refund = adyenItem({
      pspReference: "8800000000000102",
      originalReference: "8800000000000101",
      eventCode: "REFUND",
      value: 1000,
    });
    const unknown = adyenItem({ pspReference: "8800000000000103", eventCode: "OFFER_CLOSED" });
    const delivery = adyenDelivery([payment, refund, unknown]);
    expect((await post(delivery)).status).toBe(200);
    const again = await post(delivery);
    expect(again.status).toBe(200);
    expect(again.text).toBe("[accepted]");
    const rows = await eventsFor(["8800000000000101", "8800000000000102", "8800000000000103"]);
    expect(rows.map((row) => [row.provider_event_id, row.status])).toEqual([
      ["8800000000000101:AUTHORISATION:true", "pending"],
      ["8800000000000102:REFUND:true", "pending"],
      ["8800000000000103:OFFER_CLOSED:true", "ignored"],
    ]);
  });

  it("treats the same psp reference with another success value as another event", async () => {
    const refused = adyenItem({ pspReference: "8800000000000201", success: "false" });
    const accepted = { ...refused, success: "true" };
    expect((await post(adyenDelivery([refused]))).status).toBe(200);
    expect((await post(adyenDelivery([accepted]))).status).toBe(200);
    expect((await eventsFor(["8800000000000201"])).map((row) => row.provider_event_id)).toEqual([
      "8800000000000201:AUTHORISATION:false",
      "8800000000000201:AUTHORISATION:true",
    ]);
  });

  it("verifies with a rotated-out key that is still configured", async () => {
    const item = adyenItem({ pspReference: "8800000000000301" });
    expect((await post(adyenDelivery([item], { key: TEST_ADYEN_OLD_KEY }))).status).toBe(200);
    expect(await eventsFor(["8800000000000301"])).toHaveLength(1);
  });

  it("rejects the whole batch with 400 when any item is tampered, storing nothing", async () => {
    const before = await rejections();
    const good = signItem(adyenItem({ pspReference: "8800000000000401" }));
    const tampered = {
      ...signItem(adyenItem({ pspReference: "8800000000000402", value: 100 })),
      amount: { currency: "EUR", value: 100000 },
    };
    const response = await post(adyenDelivery([good, tampered], { sign: false }));
    expect(response.status).toBe(400);
    expect(response.json()).toEqual({ error: "Webhook signature verification failed" });
    expect(await eventsFor(["8800000000000401", "8800000000000402"])).toEqual([]);
    expect(await rejections()).toBe(before + 1);
  });

  it("rejects unsigned items, unknown keys, a boolean success and non-notifications", async () => {
    const unsigned = adyenDelivery([adyenItem({ pspReference: "8800000000000501" })], { sign: false });
    expect((await post(unsigned)).status).toBe(400);
    const otherKey = adyenDelivery([adyenItem({ pspReference: "8800000000000502" })], {
      key: "AB".repeat(32),
    });
    expect((await post(otherKey)).status).toBe(400);
    const booleanSuccess = adyenDelivery([
      { ...adyenItem({ pspReference: "8800000000000503" }), success: true },
    ]);
    expect((await post(booleanSuccess)).status).toBe(400);
    expect((await post({ body: "{not json", headers: {} })).status).toBe(400);
    expect((await post({ body: JSON.stringify({ notificationItems: [] }), headers: {} })).status).toBe(400);
    expect(await eventsFor(["8800000000000501", "8800000000000502", "8800000000000503"])).toEqual([]);
  });

  it("requires Basic auth when configured: 401 without or wrong, 200 with the right pair", async () => {
    setEnv({ ADYEN_WEBHOOK_USERNAME: "adyen-hook", ADYEN_WEBHOOK_PASSWORD: "correct horse battery" });
    const item = adyenItem({ pspReference: "8800000000000601" });
    const none = await post(adyenDelivery([item]));
    expect(none.status).toBe(401);
    expect(none.json()).toEqual({ error: "Authentication required" });
    const wrong = await post(adyenDelivery([item], { auth: { username: "adyen-hook", password: "nope" } }));
    expect(wrong.status).toBe(401);
    expect(await eventsFor(["8800000000000601"])).toEqual([]);
    const right = await post(
      adyenDelivery([item], { auth: { username: "adyen-hook", password: "correct horse battery" } }),
    );
    expect(right.status).toBe(200);
    expect(await eventsFor(["8800000000000601"])).toHaveLength(1);
  });

  it("answers 405 to a GET", async () => {
    const response = await deliver({ method: "GET", path: "/api/webhooks/adyen" });
    expect(response.status).toBe(405);
  });
});
