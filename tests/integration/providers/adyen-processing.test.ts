import { beforeAll, describe, expect, it } from "vitest";
import { POST as postRoute } from "@/app/api/webhooks/[provider]/route";
import { adyenEventChanges } from "@/lib/processing/handlers/adyen";
import { TEST_ADYEN_KEY, adyenDelivery, adyenItem } from "../../fixtures/adyen";
import { useTestDatabase, withSql } from "../helpers/db";
import { callRoute } from "../helpers/http";
import { setEnv } from "./env";

type RouteHandler = Parameters<typeof callRoute>[0];
const webhook = postRoute as RouteHandler;

const database = useTestDatabase();

beforeAll(() => setEnv({ ADYEN_HMAC_KEYS: TEST_ADYEN_KEY }));

/** Delivers items through the real route; returns the stored payloads as processing reads them. */
async function deliver(items: Record<string, unknown>[]) {
  const response = await callRoute(webhook, {
    method: "POST",
    path: "/api/webhooks/adyen",
    params: { provider: "adyen" },
    ...adyenDelivery(items),
  });
  expect(response.status).toBe(200);
  const ids = items.map((item) => `${item.pspReference}:${item.eventCode}:${item.success}`);
  return withSql(
    database.url,
    (sql) => sql<{ type: string; payload: Record<string, unknown> }[]>`
      select type, payload from events where provider = 'adyen' and provider_event_id in ${sql(ids)} order by id`,
  );
}

describe("Adyen processing applies the verified item", () => {
  it("turns a batch (payment, refund, chargeback) into linked record changes", async () => {
    const rows = await deliver([
      adyenItem({ pspReference: "9900000000000001", value: 5000 }),
      adyenItem({
        pspReference: "9900000000000002",
        originalReference: "9900000000000001",
        eventCode: "REFUND",
        value: 1500,
      }),
      adyenItem({
        pspReference: "9900000000000003",
        originalReference: "9900000000000001",
        eventCode: "CHARGEBACK",
        value: 5000,
      }),
    ]);
    expect(rows.flatMap((row) => adyenEventChanges(row))).toEqual([
      expect.objectContaining({
        kind: "payment",
        objectId: "9900000000000001",
        status: "authorised",
        amount: 5000,
      }),
      expect.objectContaining({
        kind: "refund",
        objectId: "9900000000000002",
        parentId: "9900000000000001",
        amount: 1500,
      }),
      expect.objectContaining({
        kind: "dispute",
        objectId: "9900000000000003",
        parentId: "9900000000000001",
      }),
    ]);
  });

  it('keeps a refused AUTHORISATION a refusal after storage (success stays the string "false")', async () => {
    const [row] = await deliver([
      adyenItem({ pspReference: "9900000000000010", success: "false", value: 9999 }),
    ]);
    expect(row!.payload.success).toBe("false");
    expect(adyenEventChanges(row!)).toEqual([
      expect.objectContaining({ kind: "payment", status: "refused" }),
    ]);
  });
});
