import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { GET as health } from "@/app/api/health/route";
import { GET as getEvent } from "@/app/api/v1/events/[id]/route";
import { GET as listEvents } from "@/app/api/v1/events/route";
import { GET as stats } from "@/app/api/v1/stats/route";
import { POST as webhook } from "@/app/api/webhooks/[provider]/route";
import { insertToken } from "@/lib/auth/tokens";
import { apiRoute } from "@/lib/http/api-route";
import { TEST_STRIPE_SECRET, signedDelivery, stripeEvent } from "../../fixtures/stripe";
import { useTestDatabase } from "../helpers/db";
import { callRoute } from "../helpers/http";

useTestDatabase();

let viewer: string;
const BOOTSTRAP = "bootstrap-admin-token-for-tests";
type EventJson = { id: number; provider_event_id: string; type: string; status: string; object_id: string };
type ListJson = { data: EventJson[]; next_cursor: string | null };

beforeAll(async () => {
  process.env.STRIPE_WEBHOOK_SECRET = TEST_STRIPE_SECRET;
  process.env.API_TOKEN = BOOTSTRAP;
  viewer = (await insertToken({ name: "reader", role: "viewer", createdBy: "test" })).token;
  for (let i = 0; i < 7; i++) {
    const type = i % 2 === 0 ? "charge.succeeded" : "refund.created";
    const event = stripeEvent({ id: `evt_api_${i}`, type, object: { id: `obj_${i % 3}`, object: "charge" } });
    const { body, headers } = signedDelivery(event);
    const response = await callRoute(webhook, {
      method: "POST",
      path: "/api/webhooks/stripe",
      params: { provider: "stripe" },
      headers,
      body,
    });
    expect(response.status).toBe(200);
  }
});

describe("GET /api/v1/events", () => {
  it("needs a bearer token: 401 without, 401 with a wrong one", async () => {
    expect((await callRoute(listEvents, { path: "/api/v1/events" })).status).toBe(401);
    const wrong = await callRoute(listEvents, { path: "/api/v1/events", token: "tly_wrong" });
    expect(wrong.status).toBe(401);
    expect(wrong.json()).toEqual({ error: "Invalid or revoked token" });
  });

  it("accepts the bootstrap API_TOKEN and stored tokens", async () => {
    expect((await callRoute(listEvents, { path: "/api/v1/events", token: BOOTSTRAP })).status).toBe(200);
    expect((await callRoute(listEvents, { path: "/api/v1/events", token: viewer })).status).toBe(200);
  });

  it("filters by type and object id", async () => {
    const byType = (
      await callRoute(listEvents, { path: "/api/v1/events?type=refund.created", token: viewer })
    ).json() as ListJson;
    expect(byType.data.map((e) => e.provider_event_id).sort()).toEqual([
      "evt_api_1",
      "evt_api_3",
      "evt_api_5",
    ]);
    const byObject = (
      await callRoute(listEvents, { path: "/api/v1/events?object_id=obj_0", token: viewer })
    ).json() as ListJson;
    expect(byObject.data.map((e) => e.provider_event_id).sort()).toEqual([
      "evt_api_0",
      "evt_api_3",
      "evt_api_6",
    ]);
    expect(byObject.data[0]).toMatchObject({
      provider: "stripe",
      status: "pending",
      attempts: 0,
      last_error: null,
    });
  });

  it("pages with an opaque cursor, newest first, without gaps or repeats", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const path: string = `/api/v1/events?limit=3${cursor ? `&cursor=${cursor}` : ""}`;
      const page = (await callRoute(listEvents, { path, token: viewer })).json() as ListJson;
      expect(page.data.length).toBeLessThanOrEqual(3);
      seen.push(...page.data.map((e) => e.provider_event_id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual([
      "evt_api_6",
      "evt_api_5",
      "evt_api_4",
      "evt_api_3",
      "evt_api_2",
      "evt_api_1",
      "evt_api_0",
    ]);
  });

  it("answers bad parameters with 400", async () => {
    expect((await callRoute(listEvents, { path: "/api/v1/events?status=bogus", token: viewer })).status).toBe(
      400,
    );
    expect((await callRoute(listEvents, { path: "/api/v1/events?limit=0", token: viewer })).status).toBe(400);
    expect((await callRoute(listEvents, { path: "/api/v1/events?cursor=zzz", token: viewer })).status).toBe(
      400,
    );
  });
});

describe("GET /api/v1/events/{id}", () => {
  it("returns the payload and attempts log", async () => {
    const list = (
      await callRoute(listEvents, { path: "/api/v1/events?limit=1", token: viewer })
    ).json() as ListJson;
    const id = String(list.data[0]!.id);
    const detail = await callRoute(getEvent, { path: `/api/v1/events/${id}`, params: { id }, token: viewer });
    expect(detail.status).toBe(200);
    expect(detail.json()).toMatchObject({
      id: Number(id),
      provider_event_id: "evt_api_6",
      payload: { id: "evt_api_6", type: "charge.succeeded" },
      attempts_log: [],
    });
  });

  it("answers 404 for an unknown id and 400 for a malformed one", async () => {
    expect(
      (await callRoute(getEvent, { path: "/api/v1/events/999999", params: { id: "999999" }, token: viewer }))
        .status,
    ).toBe(404);
    expect(
      (await callRoute(getEvent, { path: "/api/v1/events/abc", params: { id: "abc" }, token: viewer }))
        .status,
    ).toBe(400);
  });
});

describe("role checks", () => {
  it("answers 403 when the token's role is too weak", async () => {
    const adminOnly = apiRoute(
      { role: "admin", body: z.object({}) },
      async () => new Response(null, { status: 204 }),
    );
    const weak = await callRoute(adminOnly, { method: "POST", path: "/x", token: viewer, body: "{}" });
    expect(weak.status).toBe(403);
    expect(weak.json()).toEqual({ error: "This needs the admin role; the token has viewer" });
    const strong = await callRoute(adminOnly, { method: "POST", path: "/x", token: BOOTSTRAP, body: "{}" });
    expect(strong.status).toBe(204);
  });
});

describe("GET /api/v1/stats and /api/health", () => {
  it("counts events by status", async () => {
    const response = await callRoute(stats, { path: "/api/v1/stats", token: viewer });
    expect(response.status).toBe(200);
    const body = response.json() as {
      events: { total: number; by_status: Record<string, number> };
      dead_letters: number;
    };
    expect(body.events.total).toBe(7);
    expect(body.events.by_status.pending).toBe(7);
    expect(body.dead_letters).toBe(0);
    expect(body).toHaveProperty("lag.p95_ms");
    expect(body).toHaveProperty("open_discrepancies");
  });

  it("reports the database and backlog", async () => {
    const response = await health();
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: "ok",
      database: { reachable: true },
      backlog: { size: 7 },
    });
  });
});
