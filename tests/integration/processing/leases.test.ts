import { describe, expect, it } from "vitest";
import { rawSql } from "@/db";
import { claimEvents, releaseExpiredLeases, renewLeases } from "@/lib/processing/claim";
import { processEvent } from "@/lib/processing/process-event";
import { stripeEvent } from "../../fixtures/stripe";
import { useTestDatabase, withSql } from "../helpers/db";
import { drain, ingest } from "./helpers";

// Read once by config(): set before anything in this file asks for it.
process.env.PROCESSING_MAX_ATTEMPTS = "2";
process.env.PROCESSING_BACKOFF_MS = "0";

const database = useTestDatabase();

const chargeEvent = (id: string) =>
  stripeEvent({
    id: `evt_${id}`,
    type: "charge.succeeded",
    created: 1_760_000_000,
    object: {
      id,
      object: "charge",
      amount: 1500,
      currency: "eur",
      status: "succeeded",
      payment_intent: `pi_${id}`,
      created: 1_760_000_000,
    },
  });

/** A worker that claims the event and dies before applying it, its lease then running out. */
async function claimAndDie(providerEventId: string) {
  const claimed = await claimEvents({ workerId: "ghost", limit: 100 });
  expect(claimed.map((event) => event.providerEventId)).toContain(providerEventId);
  await rawSql()`update events set locked_until = now() - interval '1 second'
    where provider_event_id = ${providerEventId}`;
}

async function eventRow(providerEventId: string) {
  const [row] = await rawSql()`select status, attempts, last_error from events
    where provider_event_id = ${providerEventId}`;
  return row!;
}

async function attemptLog(providerEventId: string) {
  return rawSql()`select a.attempt, a.outcome, a.worker_id from event_attempts a
    join events e on e.id = a.event_id where e.provider_event_id = ${providerEventId} order by a.id`;
}

describe("expired leases", () => {
  it("return a dead worker's event to the queue, with the lost attempt on its timeline", async () => {
    await ingest([chargeEvent("ch_lost1")]);
    await claimAndDie("evt_ch_lost1");

    expect(await releaseExpiredLeases()).toBe(1);
    expect(await eventRow("evt_ch_lost1")).toMatchObject({ status: "retrying", attempts: 1 });
    expect((await eventRow("evt_ch_lost1")).last_error).toMatch(/^Worker lost/);

    await drain();
    expect(await eventRow("evt_ch_lost1")).toEqual({ status: "processed", attempts: 2, last_error: null });
    expect(await attemptLog("evt_ch_lost1")).toEqual([
      { attempt: 1, outcome: "lost", worker_id: "ghost" },
      { attempt: 2, outcome: "processed", worker_id: "test-drain" },
    ]);
    const [record] = await rawSql()`select count(*)::int as n from records where object_id = 'ch_lost1'`;
    expect(record!.n).toBe(1);
  });

  it("dead-letter an event whose every attempt died with its worker, instead of cycling forever", async () => {
    await ingest([chargeEvent("ch_killer")]);
    await claimAndDie("evt_ch_killer");
    await releaseExpiredLeases();
    await claimAndDie("evt_ch_killer");
    await releaseExpiredLeases();

    const row = await eventRow("evt_ch_killer");
    expect(row).toMatchObject({ status: "dead", attempts: 2 });
    expect(row.last_error).toMatch(/^Worker lost/);
    expect((await attemptLog("evt_ch_killer")).map((attempt) => attempt.outcome)).toEqual(["lost", "dead"]);
    // A dead letter is not claimable: only a replay brings it back.
    expect(await claimEvents({ workerId: "w", limit: 100 })).toEqual([]);
  });

  it("leave a live worker's event alone", async () => {
    await ingest([chargeEvent("ch_alive")]);
    const [event] = await claimEvents({ workerId: "alive", limit: 100 });
    expect(await releaseExpiredLeases()).toBe(0);
    expect(await processEvent({ event: event!, workerId: "alive" })).toBe("processed");
  });
});

describe("lease renewal", () => {
  it("extends only the renewing worker's unfinished events, so a slow batch is not swept", async () => {
    await ingest([chargeEvent("ch_slow1"), chargeEvent("ch_slow2"), chargeEvent("ch_other")]);
    const mine = await claimEvents({ workerId: "slow", limit: 2 });
    const theirs = await claimEvents({ workerId: "other", limit: 10 });
    expect(mine).toHaveLength(2);
    expect(theirs).toHaveLength(1);
    // The batch has run long: its leases are about to run out. The first event is finished.
    await rawSql()`update events set locked_until = now() + interval '1 second' where locked_by in ('slow', 'other')`;
    expect(await processEvent({ event: mine[0]!, workerId: "slow" })).toBe("processed");

    const ids = [...mine, ...theirs].map((event) => event.id);
    expect(await renewLeases({ workerId: "slow", ids })).toBe(1);
    const rows = await rawSql()<{ locked_by: string; left_s: number }[]>`
      select locked_by, extract(epoch from (locked_until - now()))::int as left_s from events
      where id in ${rawSql()(ids)} and status = 'processing' order by locked_by`;
    expect(rows.map((row) => row.locked_by)).toEqual(["other", "slow"]);
    expect(rows[0]!.left_s).toBeLessThanOrEqual(1);
    expect(rows[1]!.left_s).toBeGreaterThan(50);
    expect(await processEvent({ event: mine[1]!, workerId: "slow" })).toBe("processed");
    expect(await processEvent({ event: theirs[0]!, workerId: "other" })).toBe("processed");
  });
});

describe("per-object serialisation", () => {
  it("an invoice's events wait for each other even when they name different payment groups", async () => {
    const invoice = (eventId: string, paymentIntent: string | null, status: string) =>
      stripeEvent({
        id: eventId,
        type: `invoice.${status === "paid" ? "paid" : "finalized"}`,
        created: 1_760_000_000,
        object: {
          id: "in_serial",
          object: "invoice",
          amount_due: 4200,
          currency: "eur",
          status,
          payment_intent: paymentIntent,
          created: 1_760_000_000,
        },
      });
    await ingest([invoice("evt_in_paid", "pi_serial", "paid")]);
    const [event] = await claimEvents({ workerId: "w1", limit: 10 });

    // Another transaction holds the invoice object's lock, as the invoice's
    // earlier event (which named no payment intent yet) would while applying.
    const { processing } = await withSql(database.url, (other) =>
      other.begin(async (tx) => {
        await tx`select pg_advisory_xact_lock(hashtextextended('stripe:in_serial', 0))`;
        const processing = processEvent({ event: event!, workerId: "w1" });
        const waiting = async () => {
          const [row] = await tx<{ n: number }[]>`select count(*)::int as n from pg_locks
            where locktype = 'advisory' and not granted`;
          return row!.n;
        };
        const deadline = Date.now() + 20_000;
        while ((await waiting()) === 0 && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 20));
        expect(await waiting()).toBe(1);
        expect((await tx`select status from events where provider_event_id = 'evt_in_paid'`)[0]).toEqual({
          status: "processing",
        });
        // Returned wrapped: the lock is released only when this transaction commits.
        return { processing };
      }),
    );
    expect(await processing).toBe("processed");
    const [record] = await rawSql()`select status, payment_id from records where object_id = 'in_serial'`;
    expect(record).toEqual({ status: "paid", payment_id: "pi_serial" });
  });
});
