import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { rawSql } from "@/db";
import { startWorker, type Worker } from "@/lib/processing/worker";
import { stripeEvent } from "../../fixtures/stripe";
import { useTestDatabase } from "../helpers/db";
import { drain, ingest } from "./helpers";

const database = useTestDatabase();
const root = path.resolve(import.meta.dirname, "../../..");

const started: Worker[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((worker) => worker.stop()));
});

beforeAll(() => {
  process.env.PROCESSING_BACKOFF_MS = "50";
  process.env.PROCESSING_MAX_ATTEMPTS = "3";
});

const paymentEvent = (marker: string, index: number) =>
  stripeEvent({
    id: `evt_${marker}_${index}`,
    type: "payment_intent.succeeded",
    object: {
      id: `pi_${marker}_${index % 400}`,
      object: "payment_intent",
      amount: 1000 + index,
      currency: "eur",
      status: "succeeded",
      created: 1_760_000_000,
    },
  });

async function waitFor<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function statusCounts(marker: string) {
  const rows = await rawSql()<{ status: string; n: number }[]>`
    select status, count(*)::int as n from events where provider_event_id like ${`evt_${marker}_%`} group by status`;
  return Object.fromEntries(rows.map((row) => [row.status, row.n])) as Record<string, number>;
}

function spawnWorker(workerId: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    // tsx as a loader, not its CLI: the CLI runs the script in a grandchild, which a
    // SIGKILL of the child would leave running (the "killed" worker would keep working).
    ["--import", "tsx", "--conditions=react-server", path.join(import.meta.dirname, "worker-child.ts")],
    {
      cwd: root,
      env: { ...process.env, DATABASE_URL: database.url, WORKER_ID: workerId, CHUNK_SIZE: "25" },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve(child));
    child.on("exit", (code) => reject(new Error(`worker exited early with ${code}`)));
  });
}

describe("workers", () => {
  it("4 concurrent workers apply each of 2,000 events exactly once", async () => {
    await ingest(Array.from({ length: 2000 }, (_, i) => paymentEvent("conc", i)));
    for (let i = 0; i < 4; i++)
      started.push(await startWorker({ workerId: `w${i}`, chunkSize: 25, pollMs: 200 }));

    const counts = await waitFor(
      () => statusCounts("conc"),
      (c) => c.processed === 2000,
    );
    expect(counts).toEqual({ processed: 2000 });

    const sql = rawSql();
    const [attempts] = await sql<{ total: number; events: number }[]>`
      select count(*)::int as total, count(distinct a.event_id)::int as events
      from event_attempts a join events e on e.id = a.event_id
      where e.provider_event_id like 'evt_conc_%'`;
    // One attempt per event: no event was claimed or applied by two workers.
    expect(attempts).toEqual({ total: 2000, events: 2000 });
    const workers =
      await sql`select distinct worker_id from event_attempts a join events e on e.id = a.event_id where e.provider_event_id like 'evt_conc_%'`;
    expect(workers.length).toBeGreaterThan(1);
    // 400 payment intents, each with 5 events: the newest snapshot (highest amount) wins.
    const [records] = await sql<{ n: number; max_amount: string }[]>`
      select count(*)::int as n, max(amount) as max_amount from records where object_id like 'pi_conc_%'`;
    expect(records!.n).toBe(400);
  });

  it("a worker killed mid-batch loses nothing and applies nothing twice", async () => {
    await ingest(Array.from({ length: 1500 }, (_, i) => paymentEvent("kill", i)));
    const victim = await spawnWorker("victim");
    await waitFor(
      () => statusCounts("kill"),
      (c) => (c.processed ?? 0) >= 100,
      30_000,
    );
    victim.kill("SIGKILL");
    await new Promise((resolve) => victim.once("exit", resolve));

    const sql = rawSql();
    const [killed] = await sql<{ at: string }[]>`select now()::text as at`;
    // Its in-flight claims still hold leases; expire them as time would.
    await sql`update events set locked_until = now() - interval '1 second'
      where status = 'processing' and locked_by = 'victim'`;
    started.push(await startWorker({ workerId: "survivor", pollMs: 200 }));
    // The survivor's lease sweep runs every 15 s; run it now instead of waiting.
    const { releaseExpiredLeases } = await import("@/lib/processing/claim");
    await releaseExpiredLeases();

    const counts = await waitFor(
      () => statusCounts("kill"),
      (c) => c.processed === 1500,
    );
    expect(counts).toEqual({ processed: 1500 });
    const [applied] = await sql<{ doubled: number }[]>`
      select count(*)::int as doubled from (
        select a.event_id from event_attempts a join events e on e.id = a.event_id
        where e.provider_event_id like 'evt_kill_%' and a.outcome = 'processed'
        group by a.event_id having count(*) > 1) d`;
    expect(applied!.doubled).toBe(0);
    const [all] = await sql<{ n: number }[]>`
      select count(*)::int as n from event_attempts a join events e on e.id = a.event_id
      where e.provider_event_id like 'evt_kill_%' and a.outcome = 'processed'`;
    expect(all!.n).toBe(1500);
    // The victim really died: none of its work committed after the kill (the sweep's
    // "lost" rows for its abandoned claims carry its id but are written by the survivor).
    const [afterKill] = await sql<{ n: number }[]>`
      select count(*)::int as n from event_attempts
      where worker_id = 'victim' and outcome <> 'lost' and finished_at > ${killed!.at}::timestamptz`;
    expect(afterKill!.n).toBe(0);
  });
});

describe("failure policy", () => {
  it("an event whose object fails validation is dead-lettered at once with a clear error", async () => {
    const poison = stripeEvent({
      id: "evt_poison_1",
      type: "charge.succeeded",
      object: { id: "ch_poison", object: "charge", amount: "12.50", currency: "eur", status: "succeeded" },
    });
    await ingest([poison]);
    await drain();
    const [row] =
      await rawSql()`select status, attempts, last_error from events where provider_event_id = 'evt_poison_1'`;
    expect(row).toEqual({
      status: "dead",
      attempts: 1,
      last_error: "ValidationError: charge ch_poison: amount must be a non-negative integer in minor units",
    });
    const [record] = await rawSql()`select count(*)::int as n from records where object_id = 'ch_poison'`;
    expect(record!.n).toBe(0);
  });

  it("transient failures retry with growing backoff, then dead-letter after the last attempt", async () => {
    // An Adyen event with a provider whose handler fails transiently: MangoPay without API credentials.
    const sql = rawSql();
    delete process.env.MANGOPAY_CLIENT_ID;
    await sql`insert into events (provider, provider_event_id, type, object_id, status, payload)
      values ('mangopay', 'PAYIN_NORMAL_SUCCEEDED:retry1:1', 'PAYIN_NORMAL_SUCCEEDED', 'retry1', 'pending', '{}'::jsonb)`;
    const schedule: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      await sql`update events set next_attempt_at = now() where provider_event_id = 'PAYIN_NORMAL_SUCCEEDED:retry1:1'`;
      const [before] = await sql<{ now: string }[]>`select now()::text as now`;
      await drain();
      const [row] = await sql<{ status: string; attempts: number; delay_ms: number }[]>`
        select status, attempts, extract(epoch from (next_attempt_at - ${before!.now}::timestamptz)) * 1000 as delay_ms
        from events where provider_event_id = 'PAYIN_NORMAL_SUCCEEDED:retry1:1'`;
      expect(row!.attempts).toBe(attempt);
      if (attempt < 3) {
        expect(row!.status).toBe("retrying");
        schedule.push(Number(row!.delay_ms));
      } else {
        expect(row!.status).toBe("dead");
      }
    }
    // base 50 ms: attempt 1 waits 25–75 ms, attempt 2 waits 50–150 ms.
    expect(schedule[0]).toBeGreaterThanOrEqual(20);
    expect(schedule[0]).toBeLessThan(200);
    expect(schedule[1]).toBeGreaterThanOrEqual(45);
    const attempts = await sql`select outcome, error from event_attempts a join events e on e.id = a.event_id
      where e.provider_event_id = 'PAYIN_NORMAL_SUCCEEDED:retry1:1' order by attempt`;
    expect(attempts.map((a) => a.outcome)).toEqual(["retrying", "retrying", "dead"]);
    expect(attempts[0]!.error).toMatch(/mangopay/i);
  });
});
