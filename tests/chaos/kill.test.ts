import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb } from "@/db";
import {
  chaosDatabase,
  delivery,
  kill9,
  send,
  startWorkerProcess,
  stop,
  waitFor,
  type ChaosDatabase,
  type Delivery,
} from "./support";
import { RESTARTABLE_TARGETS } from "./web-targets";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(RESTARTABLE_TARGETS)("kill -9 under load ($name, worker, database)", ({ name, start }) => {
  let database: ChaosDatabase;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    database = await chaosDatabase(name.includes("receiver") ? "killrecv" : "killweb");
  });
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    await closeDb();
    await database?.destroy();
  });

  it("keeps every acknowledged event and applies each exactly once", async () => {
    let web = await start(database.url);
    let worker = await startWorkerProcess(database);
    cleanups.push(
      () => stop(web.child),
      () => stop(worker),
    );

    const acknowledged = new Set<string>();
    const refused: Delivery[] = [];
    const statuses = new Map<number, number>();
    let running = true;
    const lane = async () => {
      while (running) {
        const item = delivery("kill");
        const status = await send(web.webhookUrl, item);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status >= 200 && status < 300) acknowledged.add(item.id);
        else refused.push(item);
        if (status === 0) await sleep(20);
      }
    };
    const lanes = Array.from({ length: 6 }, lane);
    const acknowledgeMore = async (count: number) => {
      const goal = acknowledged.size + count;
      await waitFor(
        async () => acknowledged.size,
        (size) => size >= goal,
        90_000,
      );
    };

    await acknowledgeMore(150);
    // The web process dies mid-request; a new one takes its port.
    await kill9(web.child);
    await sleep(300);
    web = await start(database.url, web.port);
    await acknowledgeMore(150);

    // The worker dies mid-batch; a new one starts.
    const killedWorker = worker.pid!;
    await kill9(worker);
    worker = await startWorkerProcess(database);
    await acknowledgeMore(150);

    // The database dies (SIGKILL of the postmaster) and comes back on the same data: crash recovery.
    await database.kill();
    await sleep(1_000);
    await database.start();
    // Nobody restarts the web process or the worker: they must recover by themselves.
    await acknowledgeMore(150);

    running = false;
    await Promise.all(lanes);
    // Both survived the database crash and work again: the worker applies events sent after it.
    expect(web.child.exitCode).toBeNull();
    expect(worker.exitCode).toBeNull();
    const [last] = await database.query(
      (sql) =>
        sql<
          { id: string }[]
        >`select max(id)::text as id from events where provider_event_id like 'evt_kill_%'`,
    );
    await waitFor(
      () =>
        database.query(
          (sql) =>
            sql<
              { n: number }[]
            >`select count(*)::int as n from events where id = ${last!.id} and status = 'processed'`,
        ),
      ([row]) => row!.n === 1,
      60_000,
    );
    // The faults did bite: some deliveries were refused (503) or cut off, never acknowledged.
    expect(refused.length).toBeGreaterThan(0);
    expect([...statuses.keys()].every((status) => status === 0 || status === 200 || status === 503)).toBe(
      true,
    );

    // The provider retries what was not acknowledged, with backoff, until it is accepted: just
    // after crash recovery a retry may still be refused (503), never answered otherwise.
    for (const item of refused) {
      const answers: number[] = [];
      while (answers.at(-1) !== 200 && answers.length < 10) {
        if (answers.length > 0) await sleep(1_000);
        answers.push(await send(web.webhookUrl, item));
      }
      expect(answers.at(-1), `retries of ${item.id}: ${answers.join(", ")}`).toBe(200);
      expect(answers.every((status) => status === 200 || status === 503)).toBe(true);
      acknowledged.add(item.id);
    }

    // Claims abandoned by the killed worker (and by the crash) hold 60 s leases: stop the worker,
    // let the leases run out as time would, return them, and let a fresh worker finish.
    await stop(worker);
    await database.query(
      (sql) => sql`update events set locked_until = now() - interval '1 second' where status = 'processing'`,
    );
    process.env.DATABASE_URL = database.url;
    const { releaseExpiredLeases } = await import("@/lib/processing/claim");
    await releaseExpiredLeases();
    worker = await startWorkerProcess(database);
    cleanups.push(() => stop(worker));

    const ids = [...acknowledged];
    const counts = await waitFor(
      () =>
        database.query(
          (sql) => sql<{ status: string; n: number }[]>`
            select status, count(*)::int as n from events where provider_event_id like 'evt_kill_%' group by status`,
        ),
      (rows) => rows.length === 1 && rows[0]!.status === "processed",
      120_000,
    );

    await database.query(async (sql) => {
      // Every acknowledged event is there, and nothing else.
      const [stored] = await sql<{ n: number }[]>`
        select count(*)::int as n from events where provider_event_id = any(${ids})`;
      expect(stored!.n).toBe(ids.length);
      expect(counts[0]!.n).toBe(ids.length);
      // Exactly one successful application per event, and its attempt counter matches its attempt log.
      const [applied] = await sql<
        { events: number; doubled: number; missing: number; inconsistent: number }[]
      >`
        select count(*)::int as events,
          count(*) filter (where processed > 1)::int as doubled,
          count(*) filter (where processed = 0)::int as missing,
          count(*) filter (where logged <> attempts)::int as inconsistent
        from (
          select e.id, e.attempts,
            (select count(*) from event_attempts a where a.event_id = e.id and a.outcome = 'processed') as processed,
            (select count(*) from event_attempts a where a.event_id = e.id) as logged
          from events e where e.provider_event_id like 'evt_kill_%'
        ) per_event`;
      expect(applied).toEqual({ events: ids.length, doubled: 0, missing: 0, inconsistent: 0 });
      // One internal record per payment intent: the effects landed once.
      const [records] = await sql<{ n: number }[]>`
        select count(*)::int as n from records where object_id like 'pi_kill_%'`;
      expect(records!.n).toBe(ids.length);
      // The killed worker did nothing after its death: no success carries its pid.
      const [ghost] = await sql<{ n: number }[]>`
        select count(*)::int as n from event_attempts
        where worker_id like ${`%:${killedWorker}:%`} and outcome = 'processed'
          and finished_at > (select max(finished_at) from event_attempts where worker_id like ${`%:${killedWorker}:%`} and outcome = 'processed')`;
      expect(ghost!.n).toBe(0);
    });
  });
});
