import { afterEach, describe, expect, it } from "vitest";
import { rawSql } from "@/db";
import type { Event } from "@/db/schema";
import { claimEvents } from "@/lib/processing/claim";
import { processChunk } from "@/lib/processing/process-chunk";
import { startWorker, type Worker } from "@/lib/processing/worker";
import { paymentHistory } from "../../fixtures/stripe-histories";
import { stripeEvent } from "../../fixtures/stripe";
import { useTestDatabase } from "../helpers/db";
import { drain, ingest, recordsFor } from "./helpers";

// Read once by config(): set before anything in this file asks for it.
process.env.PROCESSING_MAX_ATTEMPTS = "3";
process.env.PROCESSING_BACKOFF_MS = "0";

useTestDatabase();

const started: Worker[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((worker) => worker.stop()));
});

const T = 1_760_000_000;

const chargeEvent = (id: string, created = T) =>
  stripeEvent({
    id: `evt_${id}`,
    type: "charge.succeeded",
    created: T,
    object: {
      id,
      object: "charge",
      amount: 1500,
      currency: "eur",
      status: "succeeded",
      payment_intent: `pi_${id}`,
      created,
    },
  });

async function attemptsOf(marker: string) {
  return rawSql()<{ event: string; attempt: number; outcome: string; worker_id: string }[]>`
    select e.provider_event_id as event, a.attempt, a.outcome, a.worker_id
    from event_attempts a join events e on e.id = a.event_id
    where e.provider_event_id like ${`evt_%${marker}%`} order by e.provider_event_id, a.attempt`;
}

async function recordIds(marker: string) {
  const rows = await rawSql()<{ object_id: string }[]>`
    select object_id from records where object_id like ${`%${marker}%`} order by object_id`;
  return rows.map((row) => row.object_id);
}

describe("a chunk applied in one transaction", () => {
  it("a poison event costs the rest of its chunk nothing; it alone retries, then dead-letters", async () => {
    const good = ["ch_poison_ok1", "ch_poison_ok2", "ch_poison_ok3", "ch_poison_ok4"];
    // Valid to the handler, but its creation time (year 255,479) is no PostgreSQL timestamp:
    // the statement applying it fails, inside the shared transaction.
    await ingest([
      chargeEvent(good[0]!),
      chargeEvent(good[1]!),
      chargeEvent("ch_poison_bad", 8_000_000_000_000),
      chargeEvent(good[2]!),
      chargeEvent(good[3]!),
    ]);

    const chunk = await claimEvents({ workerId: "w1", limit: 25 });
    expect(chunk).toHaveLength(5);
    const outcomes = await processChunk({ events: chunk, workerId: "w1" });
    expect(Object.fromEntries(chunk.map((event, i) => [event.providerEventId, outcomes[i]]))).toEqual({
      evt_ch_poison_ok1: "processed",
      evt_ch_poison_ok2: "processed",
      evt_ch_poison_bad: "retrying",
      evt_ch_poison_ok3: "processed",
      evt_ch_poison_ok4: "processed",
    });
    await drain("w2");

    const sql = rawSql();
    const rows = await sql<{ event: string; status: string; attempts: number; last_error: string | null }[]>`
      select provider_event_id as event, status, attempts, last_error from events
      where provider_event_id like 'evt_ch_poison_%' order by provider_event_id`;
    expect(rows.map(({ event, status, attempts }) => ({ event, status, attempts }))).toEqual([
      { event: "evt_ch_poison_bad", status: "dead", attempts: 3 },
      ...good.map((id) => ({ event: `evt_${id}`, status: "processed", attempts: 1 })),
    ]);
    // The database's own words, not the failed query and its parameters (other events' data).
    expect(rows[0]!.last_error).toMatch(/^PostgresError: .*\+255479/);
    expect(rows[0]!.last_error).not.toMatch(/ch_poison_ok/);
    expect(await attemptsOf("poison")).toEqual([
      { event: "evt_ch_poison_bad", attempt: 1, outcome: "retrying", worker_id: "w1" },
      { event: "evt_ch_poison_bad", attempt: 2, outcome: "retrying", worker_id: "w2" },
      { event: "evt_ch_poison_bad", attempt: 3, outcome: "dead", worker_id: "w2" },
      ...good.map((id) => ({ event: `evt_${id}`, attempt: 1, outcome: "processed", worker_id: "w1" })),
    ]);
    expect(await recordIds("poison")).toEqual([...good].sort());
  });

  it("an event whose lease was taken over is not applied by us, and the rest are applied once", async () => {
    // Two of the events share a payment group with the stolen one.
    const ids = ["ch_steal_a", "ch_steal_b", "ch_steal_c"];
    const sameGroup = (id: string) =>
      stripeEvent({
        id: `evt_${id}`,
        type: "charge.succeeded",
        created: T,
        object: {
          id,
          object: "charge",
          amount: 700,
          currency: "eur",
          status: "succeeded",
          payment_intent: "pi_steal_shared",
          created: T,
        },
      });
    await ingest([sameGroup("ch_steal_x"), ...ids.map(sameGroup), chargeEvent("ch_steal_other")]);

    const chunk = await claimEvents({ workerId: "slow", limit: 25 });
    expect(chunk).toHaveLength(5);
    // The slow worker's lease on one event ran out and another worker claimed it, as the sweep
    // and a fresh claim would have done.
    const sql = rawSql();
    await sql`update events set locked_by = 'fast', attempts = attempts + 1,
      locked_until = now() + interval '60 seconds'
      where provider_event_id = 'evt_ch_steal_x'`;

    const outcomes = await processChunk({ events: chunk, workerId: "slow" });
    const byEvent = Object.fromEntries(chunk.map((event, i) => [event.providerEventId, outcomes[i]]));
    expect(byEvent).toEqual({
      evt_ch_steal_x: "lost_lease",
      evt_ch_steal_a: "processed",
      evt_ch_steal_b: "processed",
      evt_ch_steal_c: "processed",
      evt_ch_steal_other: "processed",
    });
    // Nothing of the stolen event was applied by us: no record, no attempt row, still the other's.
    expect(await recordIds("ch_steal_x")).toEqual([]);
    const [stolen] =
      await sql`select status, locked_by, attempts from events where provider_event_id = 'evt_ch_steal_x'`;
    expect(stolen).toEqual({ status: "processing", locked_by: "fast", attempts: 2 });

    // The worker that owns it now applies it, once.
    const [event] = await sql<
      { id: string }[]
    >`select id from events where provider_event_id = 'evt_ch_steal_x'`;
    const mine = chunk.find((candidate) => candidate.providerEventId === "evt_ch_steal_x")!;
    const theirs: Event = { ...mine, id: Number(event!.id), attempts: 2 };
    expect(await processChunk({ events: [theirs], workerId: "fast" })).toEqual(["processed"]);

    expect(await attemptsOf("steal")).toEqual([
      { event: "evt_ch_steal_a", attempt: 1, outcome: "processed", worker_id: "slow" },
      { event: "evt_ch_steal_b", attempt: 1, outcome: "processed", worker_id: "slow" },
      { event: "evt_ch_steal_c", attempt: 1, outcome: "processed", worker_id: "slow" },
      { event: "evt_ch_steal_other", attempt: 1, outcome: "processed", worker_id: "slow" },
      { event: "evt_ch_steal_x", attempt: 2, outcome: "processed", worker_id: "fast" },
    ]);
    // The shared payment's totals see all four charges.
    const [charges] = await sql<{ n: number }[]>`
      select count(*)::int as n from records where payment_id = 'pi_steal_shared' and kind = 'charge'`;
    expect(charges!.n).toBe(4);
  });

  it("several chunked workers apply each event of overlapping histories exactly once, converging as in order", async () => {
    const histories = (marker: string) =>
      Array.from({ length: 60 }, (_, i) =>
        paymentHistory({
          prefix: `${marker}${i}`,
          start: T + i * 100,
          currency: "eur",
          amount: 1_000 + i * 37,
          refunds: i % 3 === 0 ? [] : [100 + i, 50],
          dispute: (["none", "won", "lost"] as const)[i % 3]!,
          failFirst: i % 2 === 0,
        }).map((event, step) => ({ ...event, id: `evt_${marker}${i}_${step}` })),
      ).flat();

    // The reference: every event in order, one worker.
    await ingest(histories("inorder"));
    await drain();

    // The same histories, delivered latest first so each chunk mixes many groups' events.
    const events = histories("chunked").reverse();
    await ingest(events);
    for (let i = 0; i < 3; i++)
      started.push(await startWorker({ workerId: `cw${i}`, chunkSize: 10, concurrency: 2, pollMs: 100 }));
    const sql = rawSql();
    const deadline = Date.now() + 60_000;
    for (;;) {
      const [left] = await sql<{ n: number }[]>`
        select count(*)::int as n from events where provider_event_id like 'evt_chunked%' and status <> 'processed'`;
      if (left!.n === 0 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const [attempts] = await sql<{ rows: number; processed: number; events: number; workers: number }[]>`
      select count(*)::int as rows, count(*) filter (where a.outcome = 'processed')::int as processed,
        count(distinct a.event_id)::int as events, count(distinct a.worker_id)::int as workers
      from event_attempts a join events e on e.id = a.event_id
      where e.provider_event_id like 'evt_chunked%'`;
    // One attempt row per event, and it is the processed one: no event was applied by two workers.
    expect(attempts!.rows).toBe(events.length);
    expect(attempts!.processed).toBe(events.length);
    expect(attempts!.events).toBe(events.length);
    expect(attempts!.workers).toBeGreaterThan(1);
    const [stillOpen] = await sql<{ n: number }[]>`
      select count(*)::int as n from events where provider_event_id like 'evt_chunked%' and status <> 'processed'`;
    expect(stillOpen!.n).toBe(0);

    const expected = await recordsFor("inorder");
    expect(expected.length).toBeGreaterThan(0);
    const actual = await recordsFor("chunked");
    expect(actual).toEqual(expected);
  });
});
