import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { rawSql } from "@/db";
import { startWorker, type Worker } from "@/lib/processing/worker";
import {
  mangopayDispute,
  mangopayPayIn,
  mangopayRefund,
  startFakeMangopay,
  type FakeMangopay,
} from "../../fixtures/fake-mangopay";
import { useTestDatabase } from "../helpers/db";
import { callRoute } from "../helpers/http";
import { drain } from "../processing/helpers";
import { setEnv } from "./env";
import { apiTokens, getObject, replay, storedEvents, webhookGet, type StoredEvent } from "./pipeline";

useTestDatabase();
let fake: FakeMangopay;
let tokens: { viewer: string; operator: string };

beforeAll(async () => {
  fake = await startFakeMangopay();
  setEnv({ MANGOPAY_CLIENT_ID: fake.clientId, MANGOPAY_API_KEY: fake.apiKey, MANGOPAY_BASE_URL: fake.url });
  tokens = await apiTokens();
});
afterAll(() => fake.close());
beforeEach(() => fake.setOutage("off"));

let clock = Math.floor(Date.now() / 1000);

/** MangoPay's unsigned GET hook through the real webhook route; returns the stored event. */
async function hook(eventType: string, resourceId: string): Promise<StoredEvent> {
  const date = ++clock;
  const response = await callRoute(webhookGet, {
    path: `/api/webhooks/mangopay?EventType=${eventType}&RessourceId=${resourceId}&Date=${date}`,
    params: { provider: "mangopay" },
  });
  expect(response.status).toBe(200);
  const stored = (await storedEvents("mangopay")).find(
    (event) => event.provider_event_id === `${eventType}:${resourceId}:${date}`,
  );
  if (!stored) throw new Error("hook not stored");
  return stored;
}

const object = (id: string) => getObject(tokens.viewer, "mangopay", id);
const eventById = async (id: number) => (await storedEvents("mangopay")).find((event) => event.id === id)!;

describe("MangoPay hooks are processed from what the API returns", () => {
  it("a pay-in hook → processing fetches the pay-in through the SDK → the record states the API's status", async () => {
    const payIn = mangopayPayIn({ Id: "in_pipe_1", Status: "SUCCEEDED", Amount: 4200, Fees: 42 });
    fake.put("payins", payIn);
    const requestsBefore = fake.requests.length;
    const event = await hook("PAYIN_NORMAL_SUCCEEDED", "in_pipe_1");
    // Intake only stores the claim: the API is asked during processing, not while MangoPay waits.
    expect(fake.requests.length).toBe(requestsBefore);
    await drain();
    expect(fake.requests.slice(requestsBefore).map((r) => r.path)).toContain(
      `/v2.01/${fake.clientId}/payins/in_pipe_1`,
    );
    expect((await eventById(event.id)).status).toBe("processed");
    expect(await object("in_pipe_1")).toMatchObject({
      kind: "payment",
      status: "SUCCEEDED",
      amount: 4200,
      currency: "eur",
      // The resource's CreationDate, the time reconciliation selects records by.
      provider_created_at: new Date(payIn.CreationDate * 1000).toISOString(),
      events: [expect.objectContaining({ type: "PAYIN_NORMAL_SUCCEEDED", status: "processed" })],
    });
  });

  it("the hook says SUCCEEDED, the API says FAILED: the record is FAILED", async () => {
    fake.put("payins", mangopayPayIn({ Id: "in_pipe_liar", Status: "FAILED", Amount: 100_000 }));
    await hook("PAYIN_NORMAL_SUCCEEDED", "in_pipe_liar");
    await drain();
    expect(await object("in_pipe_liar")).toMatchObject({
      kind: "payment",
      status: "FAILED",
      amount: 100_000,
    });
  });

  it("a forged hook for a resource the API does not know is processed with no change and creates no record", async () => {
    const event = await hook("PAYIN_NORMAL_SUCCEEDED", "in_pipe_forged");
    await drain();
    // The claim is kept (it is evidence) and closed: there is nothing to retry.
    expect((await eventById(event.id)).status).toBe("processed");
    const [row] = await rawSql()`select count(*)::int as n from records where object_id = 'in_pipe_forged'`;
    expect(row!.n).toBe(0);
    expect(await object("in_pipe_forged")).toMatchObject({ kind: null, status: null });
  });

  it("refunds and disputes link to their pay-in: refunded amount and disputed flag on the payment", async () => {
    fake.put("payins", mangopayPayIn({ Id: "in_pipe_2", Status: "SUCCEEDED", Amount: 3000 }));
    fake.put(
      "refunds",
      mangopayRefund({
        Id: "rf_pipe_2",
        Status: "SUCCEEDED",
        InitialTransactionId: "in_pipe_2",
        Amount: 700,
      }),
    );
    await hook("PAYIN_REFUND_SUCCEEDED", "rf_pipe_2");
    await hook("PAYIN_NORMAL_SUCCEEDED", "in_pipe_2");
    await drain();
    expect(await object("in_pipe_2")).toMatchObject({
      status: "SUCCEEDED",
      amount_refunded: 700,
      disputed: false,
    });
    expect(await object("rf_pipe_2")).toMatchObject({
      kind: "refund",
      status: "SUCCEEDED",
      payment_id: "in_pipe_2",
    });

    // A dispute moves back and forth (submitted, reopened, submitted again): the API's latest answer wins.
    const dispute = (Status: string) =>
      fake.put("disputes", mangopayDispute({ Id: "dp_pipe_2", Status, InitialTransactionId: "in_pipe_2" }));
    dispute("SUBMITTED");
    await hook("DISPUTE_SUBMITTED", "dp_pipe_2");
    await drain();
    dispute("REOPENED_PENDING_CLIENT_ACTION");
    await hook("DISPUTE_ACTION_REQUIRED", "dp_pipe_2");
    await drain();
    dispute("SUBMITTED");
    await hook("DISPUTE_SUBMITTED", "dp_pipe_2");
    await drain();
    expect(await object("dp_pipe_2")).toMatchObject({ kind: "dispute", status: "SUBMITTED" });
    expect((await object("in_pipe_2"))!.disputed).toBe(true);

    // Once CLOSED it stays closed, even when an older hook is replayed.
    dispute("CLOSED");
    const closed = await hook("DISPUTE_CLOSED", "dp_pipe_2");
    await drain();
    dispute("PENDING_CLIENT_ACTION");
    const late = await hook("DISPUTE_CREATED", "dp_pipe_2");
    await drain();
    expect((await eventById(closed.id)).status).toBe("processed");
    expect((await eventById(late.id)).status).toBe("processed");
    expect((await object("dp_pipe_2"))!.status).toBe("CLOSED");
  });
});

describe("a MangoPay outage", () => {
  let worker: Worker | undefined;
  afterAll(async () => {
    await worker?.stop();
  });

  async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    for (let i = 0; i < 600; i++) {
      const value = await read();
      if (done(value)) return value;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error("condition never reached");
  }

  it("retries, dead-letters, and once the API is back a replay processes the hook into a record", async () => {
    setEnv({ PROCESSING_BACKOFF_MS: "20", PROCESSING_MAX_ATTEMPTS: "3" });
    fake.put("payouts", {
      ...mangopayPayIn({ Id: "po_pipe_1", Status: "SUCCEEDED", Amount: 9100 }),
      Type: "PAYOUT",
    });
    fake.setOutage("connection_reset");
    worker = await startWorker({ workerId: "providers-outage", pollMs: 50 });

    const event = await hook("PAYOUT_NORMAL_SUCCEEDED", "po_pipe_1");
    const dead = await until(
      () => eventById(event.id),
      (row) => row.status === "dead",
    );
    expect(dead.attempts).toBe(3);
    expect(dead.last_error).toMatch(/MangoPay API unavailable/);
    const attempts = await rawSql()<{ outcome: string }[]>`
      select outcome from event_attempts where event_id = ${event.id} order by attempt, id`;
    expect(attempts.map((a) => a.outcome)).toEqual(["retrying", "retrying", "dead"]);
    expect(await object("po_pipe_1")).toMatchObject({ kind: null });

    fake.setOutage("off");
    expect((await replay(tokens.operator, event.id)).status).toBe(202);
    await until(
      () => eventById(event.id),
      (row) => row.status === "processed",
    );
    expect(await object("po_pipe_1")).toMatchObject({ kind: "payout", status: "SUCCEEDED", amount: 9100 });
  });
});
