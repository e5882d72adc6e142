import { beforeAll, describe, expect, it } from "vitest";
import { GET as audit } from "@/app/api/v1/audit/route";
import { POST as replayOne } from "@/app/api/v1/events/[id]/replay/route";
import { GET as getEvent } from "@/app/api/v1/events/[id]/route";
import { POST as replayBulk } from "@/app/api/v1/events/replay/route";
import { GET as getObject } from "@/app/api/v1/objects/[provider]/[objectId]/route";
import { rawSql } from "@/db";
import { insertToken } from "@/lib/auth/tokens";
import { discardEvents } from "@/lib/ops/discard";
import { getRecord, serializeRecord } from "@/lib/records/queries";
import { stripeEvent } from "../../fixtures/stripe";
import { useTestDatabase } from "../helpers/db";
import { callRoute } from "../helpers/http";
import { drain, ingest } from "./helpers";

useTestDatabase();

let viewer: string;
let operator: string;

const charge = (id: string, amount: unknown) =>
  stripeEvent({
    id: `evt_${id}`,
    type: "charge.succeeded",
    object: {
      id,
      object: "charge",
      amount,
      currency: "eur",
      status: "succeeded",
      payment_intent: `pi_${id}`,
      created: 1_760_000_000,
    },
  });

async function eventId(providerEventId: string): Promise<number> {
  const [row] = await rawSql()`select id from events where provider_event_id = ${providerEventId}`;
  return Number(row!.id);
}

async function fixPayload(providerEventId: string, amount: number) {
  await rawSql()`update events set payload = jsonb_set(payload, '{data,object,amount}', ${String(amount)}::jsonb)
    where provider_event_id = ${providerEventId}`;
}

beforeAll(async () => {
  viewer = (await insertToken({ name: "viewer", role: "viewer", createdBy: "test" })).token;
  operator = (await insertToken({ name: "ops", role: "operator", createdBy: "test" })).token;
  await ingest([
    charge("ch_dead1", "bad"),
    charge("ch_dead2", null),
    charge("ch_dead3", -5),
    charge("ch_ok", 700),
  ]);
  await drain();
});

describe("replay", () => {
  it("needs the operator role", async () => {
    const id = String(await eventId("evt_ch_dead1"));
    const response = await callRoute(replayOne, {
      method: "POST",
      path: `/api/v1/events/${id}/replay`,
      params: { id },
      token: viewer,
      body: "{}",
    });
    expect(response.status).toBe(403);
    expect(
      (await callRoute(replayOne, { method: "POST", path: `/x`, params: { id }, body: "{}" })).status,
    ).toBe(401);
  });

  it("replays one dead letter (202) and the fixed event is processed", async () => {
    await fixPayload("evt_ch_dead1", 1200);
    const id = String(await eventId("evt_ch_dead1"));
    const response = await callRoute(replayOne, {
      method: "POST",
      path: `/api/v1/events/${id}/replay`,
      params: { id },
      token: operator,
      body: JSON.stringify({ reason: "amount fixed upstream" }),
    });
    expect(response.status).toBe(202);
    await drain();
    const detail = (
      await callRoute(getEvent, { path: `/api/v1/events/${id}`, params: { id }, token: viewer })
    ).json() as {
      status: string;
      attempts_log: { outcome: string }[];
    };
    expect(detail.status).toBe("processed");
    // The timeline keeps the failure before the replay.
    expect(detail.attempts_log.map((a) => a.outcome)).toEqual(["dead", "processed"]);
  });

  it("replaying an already-processed event changes nothing", async () => {
    const id = String(await eventId("evt_ch_ok"));
    const before =
      await rawSql()`select status, amount, order_key, data from records where object_id = 'ch_ok'`;
    const response = await callRoute(replayOne, {
      method: "POST",
      path: `/x`,
      params: { id },
      token: operator,
      body: "{}",
    });
    expect(response.status).toBe(202);
    await drain();
    expect(
      await rawSql()`select status, amount, order_key, data from records where object_id = 'ch_ok'`,
    ).toEqual(before);
  });

  it("bulk-replays dead letters by filter", async () => {
    await fixPayload("evt_ch_dead2", 300);
    const response = await callRoute(replayBulk, {
      method: "POST",
      path: "/api/v1/events/replay",
      token: operator,
      body: JSON.stringify({ status: "dead", type: "charge.succeeded", provider: "stripe" }),
    });
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ replayed: 2 });
    await drain();
    const rows =
      await rawSql()`select provider_event_id, status from events where provider_event_id in ('evt_ch_dead2', 'evt_ch_dead3') order by 1`;
    expect(rows).toEqual([
      { provider_event_id: "evt_ch_dead2", status: "processed" },
      { provider_event_id: "evt_ch_dead3", status: "dead" },
    ]);
  });

  it("rejects a bulk replay body that is not a dead-letter filter", async () => {
    const response = await callRoute(replayBulk, {
      method: "POST",
      path: "/x",
      token: operator,
      body: JSON.stringify({ status: "processed" }),
    });
    expect(response.status).toBe(400);
  });

  it("discards a dead letter with a reason, and everything is audited", async () => {
    const id = await eventId("evt_ch_dead3");
    const result = await discardEvents({
      principal: { kind: "token", id: "1", actor: "token:ops#1", role: "operator" },
      eventIds: [id],
      reason: "test charge, never real",
    });
    expect(result).toEqual({ discarded: 1 });
    const log = (
      await callRoute(audit, { path: "/api/v1/audit?actor=token:ops%232", token: viewer })
    ).json() as {
      data: { action: string; target: string; details: Record<string, unknown> }[];
    };
    // Two single replays, one bulk replay of two events: a summary row plus one row per event.
    expect(log.data.map((entry) => entry.action).sort()).toEqual([
      "event.replay",
      "event.replay",
      "event.replay",
      "event.replay",
      "event.replay_bulk",
    ]);
    const dead2 = await eventId("evt_ch_dead2");
    const trail = (
      await callRoute(audit, { path: `/api/v1/audit?target=event:${dead2}`, token: viewer })
    ).json() as { data: { action: string; details: { bulk?: boolean } }[] };
    expect(trail.data).toMatchObject([{ action: "event.replay", details: { bulk: true } }]);
    const all = (
      await callRoute(audit, { path: "/api/v1/audit?action=event.discard", token: viewer })
    ).json() as {
      data: { actor: string; target: string; details: { reason: string } }[];
    };
    expect(all.data).toMatchObject([
      { actor: "token:ops#1", target: `event:${id}`, details: { reason: "test charge, never real" } },
    ]);
  });
});

describe("GET /api/v1/objects/{provider}/{id}", () => {
  it("returns the record and its events in order", async () => {
    const response = await callRoute(getObject, {
      path: "/api/v1/objects/stripe/ch_ok",
      params: { provider: "stripe", objectId: "ch_ok" },
      token: viewer,
    });
    expect(response.status).toBe(200);
    expect(response.json()).toMatchObject({
      kind: "charge",
      status: "succeeded",
      amount: 700,
      currency: "eur",
      amount_refunded: 0,
      disputed: false,
      events: [{ provider_event_id: "evt_ch_ok", type: "charge.succeeded", status: "processed" }],
    });
  });

  it("is the record the event page shows for an event's object", async () => {
    const record = await getRecord({ provider: "stripe", objectId: "ch_ok" });
    expect(record && serializeRecord(record)).toMatchObject({
      provider: "stripe",
      object_id: "ch_ok",
      kind: "charge",
      status: "succeeded",
      amount: 700,
      currency: "eur",
      payment_id: "pi_ch_ok",
      last_event_id: "evt_ch_ok",
    });
    // An object nobody told us about, or another provider's, has none.
    expect(await getRecord({ provider: "stripe", objectId: "ch_nope" })).toBeNull();
    expect(await getRecord({ provider: "adyen", objectId: "ch_ok" })).toBeNull();
  });

  it("answers 404 for an object nobody told us about", async () => {
    const response = await callRoute(getObject, {
      path: "/x",
      params: { provider: "stripe", objectId: "ch_nope" },
      token: viewer,
    });
    expect(response.status).toBe(404);
  });
});
