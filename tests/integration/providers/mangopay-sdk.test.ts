import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { mangopayProvider } from "@/lib/providers/mangopay";
import { isProviderUnavailable } from "@/lib/providers/types";
import { setEnv } from "./env";
import { startFakeMangopay, mangopayPayIn, type FakeMangopay } from "../../fixtures/fake-mangopay";

let fake: FakeMangopay;

beforeAll(async () => {
  fake = await startFakeMangopay();
  setEnv({ MANGOPAY_CLIENT_ID: fake.clientId, MANGOPAY_API_KEY: fake.apiKey, MANGOPAY_BASE_URL: fake.url });
});
afterAll(() => fake.close());
beforeEach(() => fake.setOutage("off"));

const fetchObject = mangopayProvider.fetchObject!;

describe("MangoPay API through the official SDK", () => {
  it("gets an OAuth token, then fetches a pay-in with it", async () => {
    fake.put("payins", mangopayPayIn({ Id: "pi_sdk_1", Status: "SUCCEEDED", Amount: 1234 }));
    const fetched = await fetchObject({ type: "payin", id: "pi_sdk_1" });
    expect(fetched).toMatchObject({ found: true, object: { id: "pi_sdk_1", type: "payin" } });
    if (!fetched.found) throw new Error("not found");
    expect(fetched.object.data).toMatchObject({
      Status: "SUCCEEDED",
      DebitedFunds: { Amount: 1234, Currency: "EUR" },
    });
    const paths = fake.requests.map((request) => `${request.method} ${request.path}`);
    expect(paths).toContain("POST /v2.01/oauth/token");
    expect(paths).toContain(`GET /v2.01/${fake.clientId}/payins/pi_sdk_1`);
  });

  it("answers not-found for a resource the API does not know", async () => {
    expect(await fetchObject({ type: "payin", id: "pi_never_created" })).toEqual({ found: false });
  });

  it("reports an HTTP outage as a retryable failure", async () => {
    fake.setOutage("http_503");
    const failure = await fetchObject({ type: "payin", id: "pi_sdk_1" }).catch((error: unknown) => error);
    expect(isProviderUnavailable(failure)).toBe(true);
  });

  it("reports a dropped connection as a retryable failure instead of hanging", async () => {
    fake.setOutage("connection_reset");
    const failure = await fetchObject({ type: "payout", id: "po_1" }).catch((error: unknown) => error);
    expect(isProviderUnavailable(failure)).toBe(true);
  });

  it("lists records from the event history, fetching each resource", async () => {
    const date = Math.floor(Date.now() / 1000);
    fake.put("payins", mangopayPayIn({ Id: "pi_list_1", Status: "SUCCEEDED", Amount: 500 }));
    fake.addEvent({ EventType: "PAYIN_NORMAL_CREATED", ResourceId: "pi_list_1", Date: date });
    fake.addEvent({ EventType: "PAYIN_NORMAL_SUCCEEDED", ResourceId: "pi_list_1", Date: date });
    fake.addEvent({ EventType: "KYC_SUCCEEDED", ResourceId: "kyc_1", Date: date });
    const page = await mangopayProvider.listRecords!({
      from: new Date((date - 60) * 1000),
      to: new Date((date + 60) * 1000),
    });
    expect(page.nextCursor).toBeNull();
    expect(page.records).toEqual([
      expect.objectContaining({
        objectId: "pi_list_1",
        objectType: "payin",
        status: "SUCCEEDED",
        amount: 500,
        currency: "eur",
      }),
    ]);
  });
});
