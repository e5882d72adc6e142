import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GET as getRoute } from "@/app/api/webhooks/[provider]/route";
import { prepareMangopayEvent } from "@/lib/processing/handlers/mangopay";
import { isProviderUnavailable } from "@/lib/providers/types";
import {
  mangopayDispute,
  mangopayPayIn,
  mangopayRefund,
  startFakeMangopay,
  type FakeMangopay,
} from "../../fixtures/fake-mangopay";
import { useTestDatabase, withSql } from "../helpers/db";
import { callRoute } from "../helpers/http";
import { setEnv } from "./env";

type RouteHandler = Parameters<typeof callRoute>[0];
const webhook = getRoute as RouteHandler;

const database = useTestDatabase();
let fake: FakeMangopay;

beforeAll(async () => {
  fake = await startFakeMangopay();
  setEnv({ MANGOPAY_CLIENT_ID: fake.clientId, MANGOPAY_API_KEY: fake.apiKey, MANGOPAY_BASE_URL: fake.url });
});
afterAll(() => fake.close());
beforeEach(() => fake.setOutage("off"));

/** Delivers a hook through the real route and returns the stored event as processing reads it. */
async function deliver(eventType: string, resourceId: string) {
  const date = Math.floor(Date.now() / 1000);
  const response = await callRoute(webhook, {
    path: `/api/webhooks/mangopay?EventType=${eventType}&RessourceId=${resourceId}&Date=${date}`,
    params: { provider: "mangopay" },
  });
  expect(response.status).toBe(200);
  const [row] = await withSql(
    database.url,
    (sql) => sql<{ type: string; object_id: string | null }[]>`
      select type, object_id from events where provider = 'mangopay' and provider_event_id = ${`${eventType}:${resourceId}:${date}`}`,
  );
  if (!row) throw new Error("hook not stored");
  return { type: row.type, objectId: row.object_id };
}

describe("MangoPay processing trusts only the API", () => {
  it("applies the pay-in as the API reports it", async () => {
    fake.put("payins", mangopayPayIn({ Id: "in_ok_1", Status: "SUCCEEDED", Amount: 4200, Fees: 42 }));
    const prepared = await prepareMangopayEvent(await deliver("PAYIN_NORMAL_SUCCEEDED", "in_ok_1"));
    expect(prepared).toEqual({
      outcome: "apply",
      changes: [
        expect.objectContaining({
          kind: "payment",
          objectId: "in_ok_1",
          status: "SUCCEEDED",
          amount: 4200,
          fee: 42,
        }),
      ],
    });
  });

  it("records FAILED when the hook claims SUCCEEDED but the API says FAILED", async () => {
    fake.put("payins", mangopayPayIn({ Id: "in_liar_1", Status: "FAILED", Amount: 100000 }));
    const prepared = await prepareMangopayEvent(await deliver("PAYIN_NORMAL_SUCCEEDED", "in_liar_1"));
    expect(prepared).toMatchObject({
      outcome: "apply",
      changes: [{ objectId: "in_liar_1", status: "FAILED" }],
    });
  });

  it("creates nothing for a forged hook about a resource the API does not know", async () => {
    const prepared = await prepareMangopayEvent(await deliver("PAYIN_NORMAL_SUCCEEDED", "in_forged_1"));
    expect(prepared).toEqual({ outcome: "no_change", reason: "resource_unknown_to_mangopay" });
  });

  it("fetches refunds and disputes with their pay-in link", async () => {
    fake.put(
      "refunds",
      mangopayRefund({ Id: "rf_1", Status: "SUCCEEDED", InitialTransactionId: "in_ok_1", Amount: 200 }),
    );
    fake.put(
      "disputes",
      mangopayDispute({ Id: "dp_1", Status: "PENDING_CLIENT_ACTION", InitialTransactionId: "in_ok_1" }),
    );
    expect(await prepareMangopayEvent(await deliver("PAYIN_REFUND_SUCCEEDED", "rf_1"))).toMatchObject({
      changes: [{ kind: "refund", parentId: "in_ok_1", amount: 200 }],
    });
    expect(await prepareMangopayEvent(await deliver("DISPUTE_CREATED", "dp_1"))).toMatchObject({
      changes: [{ kind: "dispute", parentId: "in_ok_1", status: "PENDING_CLIENT_ACTION" }],
    });
  });

  it("turns an API outage into a retryable failure, and succeeds once the API is back", async () => {
    fake.put("payouts", { ...mangopayPayIn({ Id: "po_1", Status: "SUCCEEDED" }), Type: "PAYOUT" });
    const event = await deliver("PAYOUT_NORMAL_SUCCEEDED", "po_1");
    fake.setOutage("http_503");
    const failure = await prepareMangopayEvent(event).catch((error: unknown) => error);
    expect(isProviderUnavailable(failure)).toBe(true);
    fake.setOutage("off");
    expect(await prepareMangopayEvent(event)).toMatchObject({
      outcome: "apply",
      changes: [{ kind: "payout", status: "SUCCEEDED" }],
    });
  });
});
