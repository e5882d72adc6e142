import { afterEach, describe, expect, it } from "vitest";
import { useTestDatabase, withSql } from "../helpers/db";
import { WEBHOOK_PATHS } from "../helpers/webhook-paths";
import { setEnv } from "./env";

afterEach(() => setEnv({ MANGOPAY_ALLOWED_IPS: undefined, MANGOPAY_WEBHOOK_TOKEN: undefined }));

type Row = {
  provider_event_id: string;
  type: string;
  status: string;
  object_id: string;
  object_type: string | null;
};
describe.each(WEBHOOK_PATHS)("GET|POST /api/webhooks/mangopay through $name", ({ deliver }) => {
  const database = useTestDatabase();

  const hook = (query: string, headers: Record<string, string> = {}) =>
    deliver({ method: "GET", path: `/api/webhooks/mangopay?${query}`, headers });

  const eventsFor = (resourceId: string) =>
    withSql(
      database.url,
      (sql) => sql<Row[]>`
        select provider_event_id, type, status, object_id, object_type from events
        where provider = 'mangopay' and object_id = ${resourceId} order by id`,
    );

  it("stores the hook as a claim and answers 200; a resend is a duplicate", async () => {
    const query = "EventType=PAYIN_NORMAL_SUCCEEDED&RessourceId=mp_in_1&Date=1700000000";
    expect((await hook(query)).status).toBe(200);
    expect((await hook(query)).status).toBe(200);
    expect(await eventsFor("mp_in_1")).toEqual([
      {
        provider_event_id: "PAYIN_NORMAL_SUCCEEDED:mp_in_1:1700000000",
        type: "PAYIN_NORMAL_SUCCEEDED",
        status: "pending",
        object_id: "mp_in_1",
        object_type: "payin",
      },
    ]);
  });

  it("keeps hooks for the same resource at another date or type apart", async () => {
    await hook("EventType=PAYIN_NORMAL_CREATED&RessourceId=mp_in_2&Date=1700000000");
    await hook("EventType=PAYIN_NORMAL_SUCCEEDED&RessourceId=mp_in_2&Date=1700000000");
    await hook("EventType=PAYIN_NORMAL_SUCCEEDED&RessourceId=mp_in_2&Date=1700000005");
    expect(await eventsFor("mp_in_2")).toHaveLength(3);
  });

  it("accepts POST with the parameters in the query", async () => {
    const response = await deliver({
      method: "POST",
      path: "/api/webhooks/mangopay?EventType=PAYOUT_NORMAL_FAILED&RessourceId=mp_out_1&Date=1700000100",
    });
    expect(response.status).toBe(200);
    expect(await eventsFor("mp_out_1")).toHaveLength(1);
  });

  it("stores event types it has no handler for as ignored", async () => {
    expect((await hook("EventType=KYC_SUCCEEDED&RessourceId=mp_kyc_1&Date=1700000000")).status).toBe(200);
    expect((await eventsFor("mp_kyc_1"))[0]?.status).toBe("ignored");
  });

  it("answers 400 with a JSON error for missing or malformed parameters, storing nothing", async () => {
    const missing = await hook("EventType=PAYIN_NORMAL_SUCCEEDED&RessourceId=mp_bad_1");
    expect(missing.status).toBe(400);
    expect(missing.json()).toEqual({ error: "EventType, RessourceId and Date are required" });
    expect((await hook("EventType=PAYIN_NORMAL_SUCCEEDED&RessourceId=mp_bad_1&Date=soon")).status).toBe(400);
    expect((await hook("EventType=PAYIN_NORMAL_SUCCEEDED&RessourceId=mp%20bad&Date=1700000000")).status).toBe(
      400,
    );
    expect(await eventsFor("mp_bad_1")).toEqual([]);
  });

  it("enforces the IP allow-list only when configured", async () => {
    setEnv({ MANGOPAY_ALLOWED_IPS: "198.51.100.0/24" });
    const query = "EventType=PAYIN_NORMAL_SUCCEEDED&RessourceId=mp_ip_1&Date=1700000000";
    const outside = await hook(query, { "x-forwarded-for": "203.0.113.9" });
    expect(outside.status).toBe(403);
    expect((await hook(query)).status).toBe(403);
    expect(await eventsFor("mp_ip_1")).toEqual([]);
    expect((await hook(query, { "x-forwarded-for": "198.51.100.20, 10.0.0.1" })).status).toBe(200);
    expect(await eventsFor("mp_ip_1")).toHaveLength(1);
  });

  it("enforces the secret token only when configured", async () => {
    setEnv({ MANGOPAY_WEBHOOK_TOKEN: "mp_hook_token_0123456789" });
    const query = "EventType=PAYIN_NORMAL_SUCCEEDED&RessourceId=mp_tok_1&Date=1700000000";
    expect((await hook(query)).status).toBe(403);
    expect((await hook(`${query}&token=mp_hook_token_wrong_000`)).status).toBe(403);
    expect(await eventsFor("mp_tok_1")).toEqual([]);
    expect((await hook(`${query}&token=mp_hook_token_0123456789`)).status).toBe(200);
    expect(await eventsFor("mp_tok_1")).toHaveLength(1);
  });

  it("answers 405 to other methods", async () => {
    const response = await deliver({
      method: "PUT",
      path: "/api/webhooks/mangopay?EventType=PAYIN_NORMAL_SUCCEEDED&RessourceId=x&Date=1",
    });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, POST");
  });
});
