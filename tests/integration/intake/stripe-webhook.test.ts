import { beforeAll, describe, expect, it } from "vitest";
import { processMetrics } from "@/lib/inbox/process-metrics";
import { signStripePayload } from "@/lib/providers/stripe/verify";
import { TEST_STRIPE_SECRET, signedDelivery, stripeEvent } from "../../fixtures/stripe";
import { useTestDatabase, withSql } from "../helpers/db";
import { WEBHOOK_PATHS } from "../helpers/webhook-paths";

beforeAll(() => {
  process.env.STRIPE_WEBHOOK_SECRET = `whsec_old_secret,${TEST_STRIPE_SECRET}`;
});

describe.each(WEBHOOK_PATHS)("POST /api/webhooks/stripe through $name", ({ deliver: call }) => {
  const database = useTestDatabase();

  const deliver = (body: string, headers: Record<string, string>, provider = "stripe") =>
    call({ method: "POST", path: `/api/webhooks/${provider}`, headers, body });

  const eventRows = (providerEventId: string) =>
    withSql(database.url, (sql) => sql`select * from events where provider_event_id = ${providerEventId}`);

  it("stores a verified event with its raw body and answers 200 after commit", async () => {
    const event = stripeEvent({ type: "payment_intent.succeeded" });
    const { body, headers } = signedDelivery(event);
    const response = await deliver(body, { ...headers, "user-agent": "Stripe/1.0" });

    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ received: true });
    const [row] = await eventRows(event.id);
    expect(row).toMatchObject({
      provider: "stripe",
      account: "",
      type: "payment_intent.succeeded",
      object_id: event.data.object.id,
      object_type: "payment_intent",
      status: "pending",
      raw_body: body,
      recovered: false,
    });
    expect(row!.headers).toMatchObject({
      "stripe-signature": headers["stripe-signature"],
      "user-agent": "Stripe/1.0",
    });
    expect(new Date(row!.provider_created_at).getTime()).toBe(event.created * 1000);
    expect(row!.payload).toEqual(event);
  });

  it("keeps the payload exactly as the body sent it, numbers beyond a double's precision included", async () => {
    const event = stripeEvent({ type: "payment_intent.succeeded" });
    const body = JSON.stringify(event).replace(
      '"object":"event"',
      '"object":"event","amount_big":12345678901234567891',
    );
    const timestamp = Math.floor(Date.now() / 1000);
    const response = await deliver(body, {
      "content-type": "application/json",
      "stripe-signature": signStripePayload(body, TEST_STRIPE_SECRET, timestamp),
    });

    expect(response.status).toBe(200);
    const [row] = await withSql(
      database.url,
      (sql) => sql`
        select payload->>'amount_big' as big, payload = raw_body::jsonb as same
        from events where provider_event_id = ${event.id}`,
    );
    expect(row).toEqual({ big: "12345678901234567891", same: true });
  });

  it("answers a repeated delivery with duplicate: true and keeps one row", async () => {
    const { body, headers } = signedDelivery(stripeEvent());
    const event = JSON.parse(body);
    expect((await deliver(body, headers)).json()).toEqual({ received: true });
    const second = await deliver(body, headers);
    expect(second.status).toBe(200);
    expect(second.json()).toEqual({ received: true, duplicate: true });
    expect(await eventRows(event.id)).toHaveLength(1);
  });

  it("collapses 20 concurrent identical deliveries into one row", async () => {
    const event = stripeEvent();
    const { body, headers } = signedDelivery(event);
    const responses = await Promise.all(Array.from({ length: 20 }, () => deliver(body, headers)));

    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    const fresh = responses.filter((r) => !(r.json() as { duplicate?: boolean }).duplicate);
    expect(fresh).toHaveLength(1);
    expect(await eventRows(event.id)).toHaveLength(1);
  });

  it("makes concurrent deliveries durable in shared commits", async () => {
    const events = Array.from({ length: 30 }, () => stripeEvent());
    const deliveries = [...events, events[3], events[7]].map((event) => signedDelivery(event));
    const responses = await Promise.all(deliveries.map(({ body, headers }) => deliver(body, headers)));

    expect(responses.map((r) => r.status)).toEqual(Array(32).fill(200));
    // A repeated event is acknowledged twice but stored once: exactly one of its two replies is fresh.
    const duplicate = (index: number) =>
      (responses[index]!.json() as { duplicate?: boolean }).duplicate === true;
    expect(responses.filter((_, index) => duplicate(index))).toHaveLength(2);
    expect([duplicate(3), duplicate(30)].sort()).toEqual([false, true]);
    expect([duplicate(7), duplicate(31)].sort()).toEqual([false, true]);
    const rows = await withSql(
      database.url,
      (sql) => sql`
        select provider_event_id, raw_body, xmin::text as xmin from events
        where provider_event_id = any(${events.map((event) => event.id)})`,
    );
    expect(rows).toHaveLength(30);
    const bodies = new Map(events.map((event, index) => [event.id, deliveries[index]!.body]));
    for (const row of rows) expect(row.raw_body).toBe(bodies.get(row.provider_event_id));
    // Rows written by one transaction share its xmin: fewer transactions than deliveries means shared commits.
    expect(new Set(rows.map((row) => row.xmin)).size).toBeLessThan(events.length);
  });

  it("fails only the delivery the database refuses when it shares a commit with others", async () => {
    const events = Array.from({ length: 12 }, () => stripeEvent());
    // A NUL escape is valid JSON that jsonb refuses.
    const poison = stripeEvent({ object: { id: "pi_poison", object: "payment_intent", note: "\u0000" } });
    const deliveries = [...events.slice(0, 6), poison, ...events.slice(6)].map((event) =>
      signedDelivery(event),
    );
    const responses = await Promise.all(deliveries.map(({ body, headers }) => deliver(body, headers)));

    expect(responses.map((r) => r.status)).toEqual([...Array(6).fill(200), 500, ...Array(6).fill(200)]);
    const stored = await withSql(
      database.url,
      (sql) => sql`
        select provider_event_id from events
        where provider_event_id = any(${[...events.map((event) => event.id), poison.id]})`,
    );
    expect(stored.map((row) => row.provider_event_id).sort()).toEqual(events.map((event) => event.id).sort());
  });

  it("verifies with any configured secret (rotation)", async () => {
    const event = stripeEvent();
    const body = JSON.stringify(event);
    const response = await deliver(body, { "stripe-signature": signStripePayload(body, "whsec_old_secret") });
    expect(response.status).toBe(200);
    expect(await eventRows(event.id)).toHaveLength(1);
  });

  it("stores an unknown but verified event type as ignored", async () => {
    const event = stripeEvent({
      type: "issuing_card.created",
      object: { id: "ic_1", object: "issuing.card" },
    });
    const { body, headers } = signedDelivery(event);
    const response = await deliver(body, headers);
    expect(response.status).toBe(200);
    const [row] = await eventRows(event.id);
    expect(row!.status).toBe("ignored");
  });

  it("rejects a bad signature with 400, stores nothing, and records the rejection", async () => {
    const event = stripeEvent();
    const { body } = signedDelivery(event);
    const forged = signStripePayload(body, "whsec_attacker");
    const before = await withSql(
      database.url,
      (sql) => sql`select count(*)::int as n from rejected_deliveries`,
    );

    const response = await deliver(body, { "stripe-signature": forged });

    expect(response.status).toBe(400);
    expect(response.json()).toEqual({ error: "Webhook signature verification failed" });
    expect(await eventRows(event.id)).toHaveLength(0);
    const [rejection] = await withSql(
      database.url,
      (sql) => sql`select * from rejected_deliveries order by id desc limit 1`,
    );
    expect(rejection).toMatchObject({ provider: "stripe", reason: "signature_mismatch", status_code: 400 });
    const after = await withSql(
      database.url,
      (sql) => sql`select count(*)::int as n from rejected_deliveries`,
    );
    expect(after[0]!.n).toBe(before[0]!.n + 1);
    const [count] = await withSql(
      database.url,
      (sql) =>
        sql`select sum(count)::int as n from delivery_counts where outcome = 'rejected' and reason = 'signature_mismatch'`,
    );
    expect(count!.n).toBeGreaterThanOrEqual(1);
  });

  it("rejects a stale signature and a missing header with 400", async () => {
    const event = stripeEvent();
    const body = JSON.stringify(event);
    const stale = signStripePayload(body, TEST_STRIPE_SECRET, Math.floor(Date.now() / 1000) - 600);
    expect((await deliver(body, { "stripe-signature": stale })).status).toBe(400);
    expect((await deliver(body, {})).status).toBe(400);
    expect(await eventRows(event.id)).toHaveLength(0);
  });

  it("rejects a correctly signed body that is not JSON with 400", async () => {
    const body = "{not json";
    const response = await deliver(body, { "stripe-signature": signStripePayload(body, TEST_STRIPE_SECRET) });
    expect(response.status).toBe(400);
    expect(response.json()).toEqual({ error: "Body is not valid JSON" });
  });

  it("rejects a signed JSON body that is not an event with 400", async () => {
    const body = JSON.stringify({ hello: "world" });
    const response = await deliver(body, { "stripe-signature": signStripePayload(body, TEST_STRIPE_SECRET) });
    expect(response.status).toBe(400);
  });

  it("refuses bodies over 1 MiB with 413, declared or streamed", async () => {
    const big = JSON.stringify({ ...stripeEvent(), padding: "x".repeat(1024 * 1024) });
    const response = await deliver(big, { "stripe-signature": signStripePayload(big, TEST_STRIPE_SECRET) });
    expect(response.status).toBe(413);
    expect(response.json()).toHaveProperty("error");

    const streamed = await call({
      path: "/api/webhooks/stripe",
      headers: { "stripe-signature": "t=1,v1=x" },
      chunks: Array.from({ length: 20 }, () => new Uint8Array(64 * 1024)),
    });
    expect(streamed.status).toBe(413);
    expect(streamed.json()).toEqual({ error: "Body exceeds 1048576 bytes" });
    const [rejection] = await withSql(
      database.url,
      (sql) => sql`select reason, status_code from rejected_deliveries order by id desc limit 1`,
    );
    expect(rejection).toEqual({ reason: "payload_too_large", status_code: 413 });
  });

  it("answers a wrong method with 405 and an Allow header", async () => {
    const response = await call({ method: "GET", path: "/api/webhooks/stripe" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
    expect(response.json()).toEqual({ error: "Method not allowed" });
  });

  it("answers an unknown provider with 404", async () => {
    const { body, headers } = signedDelivery(stripeEvent());
    const response = await deliver(body, headers, "paypal");
    expect(response.status).toBe(404);
    expect(response.json()).toEqual({ error: "Unknown provider: paypal" });
  });

  it("counts every reply in this process's ack-latency histogram and duplicates in delivery_counts", async () => {
    const acks = async (statusClass: string) =>
      (await processMetrics().ackSeconds.get()).values.find(
        (value) =>
          value.metricName === "tally_webhook_ack_seconds_count" &&
          value.labels.provider === "stripe" &&
          value.labels.status_class === statusClass,
      )?.value ?? 0;
    const duplicates = async () =>
      (
        await withSql(
          database.url,
          (sql) => sql`
            select coalesce(sum(count), 0)::int as n from delivery_counts
            where provider = 'stripe' and outcome = 'duplicate'`,
        )
      )[0]!.n as number;
    const [ok, refused, counted] = [await acks("2xx"), await acks("4xx"), await duplicates()];
    const { body, headers } = signedDelivery(stripeEvent());
    expect((await deliver(body, headers)).status).toBe(200);
    expect((await deliver(body, headers)).status).toBe(200);
    expect((await deliver(body, { "stripe-signature": "t=1,v1=00" })).status).toBe(400);
    expect(await acks("2xx")).toBe(ok + 2);
    expect(await acks("4xx")).toBe(refused + 1);
    // Duplicates are counted after the reply, best effort.
    for (let wait = 0; (await duplicates()) === counted && wait < 50; wait++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await duplicates()).toBe(counted + 1);
  });

  it("answers 503 and never 200 when the database is unreachable", async () => {
    const reachable = process.env.DATABASE_URL;
    const unreachable = new URL(database.url);
    unreachable.port = "1"; // nothing listens there
    process.env.DATABASE_URL = unreachable.toString();
    try {
      const event = stripeEvent();
      const { body, headers } = signedDelivery(event);
      const response = await deliver(body, headers);
      expect(response.status).toBe(503);
      expect(response.json()).toEqual({ error: expect.stringMatching(/database/i) });
    } finally {
      process.env.DATABASE_URL = reachable;
    }
  });
});
