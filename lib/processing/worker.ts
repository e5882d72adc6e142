import "server-only";
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { rawSql } from "@/db";
import { EVENTS_CHANNEL } from "@/lib/inbox/store";
import { startJobs, type PeriodicJob } from "@/lib/jobs/runner";
import { log } from "@/lib/log";
import { claimEvents, LEASE_MS, releaseExpiredLeases, renewLeases } from "./claim";
import { beat, forgetWorker } from "./heartbeats";
import { processChunk } from "./process-chunk";
import { analyzeOutgrownTables } from "./statistics";

const HEARTBEAT_MS = 5_000;
const LEASE_SWEEP_MS = 15_000;
const STATISTICS_MS = 5_000;
const MAX_LEASE_RENEWAL_MS = 10 * 60_000;
// Measured with scripts/bench/drain.ts on a 2-core machine shared with PostgreSQL (docs/processing.md).
const DEFAULT_CHUNK_SIZE = 25;
const DEFAULT_CONCURRENCY = 2;
// Events stored within this long of a notification are claimed and applied
// together: at 300/s three or more per claim instead of one, for 10 ms of lag.
const DEFAULT_BATCH_WINDOW_MS = 10;

export type Worker = { id: string; stop: () => Promise<void>; processed: () => number };

/**
 * A worker: wakes one lane per NOTIFY (with a slow poll as a safety net)
 * and runs `concurrency` lanes, each claiming up to `chunkSize` due events at a time
 * and applying them in one transaction (lib/processing/process-chunk.ts); it
 * beats its heartbeat, keeps its in-flight leases alive, returns expired
 * leases to the queue, and runs the periodic jobs its process entry point
 * hands it (with its id as their lease holder).
 */
export async function startWorker({
  workerId = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`,
  chunkSize = DEFAULT_CHUNK_SIZE,
  concurrency = DEFAULT_CONCURRENCY,
  pollMs = 2_000,
  batchWindowMs = DEFAULT_BATCH_WINDOW_MS,
  jobs = [],
}: {
  workerId?: string;
  chunkSize?: number;
  concurrency?: number;
  pollMs?: number;
  /** After a notification, wait this long before claiming (0: claim at once). */
  batchWindowMs?: number;
  jobs?: readonly PeriodicJob[];
} = {}): Promise<Worker> {
  const sql = rawSql();
  let stopped = false;
  let processed = 0;
  // Lanes waiting for work, first come first woken. A notification wakes one
  // lane, not all: at moderate rates every event used to wake every lane of
  // every worker, each paying a claim (and a commit) for one event or none.
  const sleepers: ((notified: boolean) => void)[] = [];
  // A notification that found no lane waiting: the next lane to look claims at once.
  let missed = false;
  const signal = () => {
    const wake = sleepers.shift();
    if (wake) wake(true);
    else missed = true;
  };
  const sleep = (ms: number) =>
    new Promise<boolean>((resolve) => {
      if (stopped) return resolve(false);
      const wake = (notified: boolean) => {
        clearTimeout(timer);
        const index = sleepers.indexOf(wake);
        if (index >= 0) sleepers.splice(index, 1);
        resolve(notified);
      };
      const timer = setTimeout(() => wake(false), ms);
      sleepers.push(wake);
    });
  /**
   * Waits until there may be work: a notification (then a short window, so
   * the events stored around it share one claim and one transaction), one
   * that came while this lane was busy, or the poll.
   */
  const waitForWork = async () => {
    if (missed) {
      missed = false;
      return;
    }
    if ((await sleep(pollMs)) && batchWindowMs > 0 && !stopped)
      await new Promise((resolve) => setTimeout(resolve, batchWindowMs));
  };

  const listener = await sql.listen(EVENTS_CHANNEL, signal);

  const beatNow = () => beat({ workerId, hostname: hostname(), pid: process.pid, processed });
  await beatNow();
  const heartbeat = setInterval(
    () => void beatNow().catch((err) => log.warn({ err }, "heartbeat failed")),
    HEARTBEAT_MS,
  );
  const sweeper = setInterval(
    () => void releaseExpiredLeases().catch((err) => log.warn({ err }, "lease sweep failed")),
    LEASE_SWEEP_MS,
  );
  const statistics = setInterval(
    () =>
      void analyzeOutgrownTables()
        .then((tables) => tables.length > 0 && log.debug({ tables }, "analysed outgrown tables"))
        .catch((err) => log.warn({ err }, "analysing outgrown tables failed")),
    STATISTICS_MS,
  );
  // Claimed and not yet finished, with when each was claimed: their leases are
  // renewed while they run (bounded, so a hung call cannot hold events forever).
  const inFlight = new Map<number, number>();
  const renewal = setInterval(() => {
    const now = Date.now();
    const ids = [...inFlight]
      .filter(([, claimedAt]) => now - claimedAt <= MAX_LEASE_RENEWAL_MS)
      .map(([id]) => id);
    void renewLeases({ workerId, ids }).catch((err) => log.warn({ err }, "lease renewal failed"));
  }, LEASE_MS / 3);
  const periodic = jobs.length > 0 ? startJobs({ jobs, holder: workerId }) : null;

  const lane = async () => {
    while (!stopped) {
      try {
        const chunk = await claimEvents({ workerId, limit: chunkSize });
        if (chunk.length === 0) {
          await waitForWork();
          continue;
        }
        // A full chunk means a backlog: another lane claims beside this one.
        if (chunk.length === chunkSize) signal();
        const claimedAt = Date.now();
        for (const event of chunk) inFlight.set(event.id, claimedAt);
        try {
          const outcomes = await processChunk({ events: chunk, workerId });
          processed += outcomes.filter((outcome) => outcome === "processed").length;
        } finally {
          for (const event of chunk) inFlight.delete(event.id);
        }
        // The queue held less than a chunk: what arrives next is announced.
        if (chunk.length < chunkSize) await waitForWork();
      } catch (err) {
        log.error({ err, workerId }, "worker loop error; backing off");
        await sleep(pollMs);
      }
    }
  };
  const lanes = Promise.all(Array.from({ length: concurrency }, lane));

  log.info({ workerId }, "worker started");
  return {
    id: workerId,
    processed: () => processed,
    stop: async () => {
      stopped = true;
      for (const wake of [...sleepers]) wake(false);
      clearInterval(heartbeat);
      clearInterval(sweeper);
      clearInterval(statistics);
      await lanes;
      clearInterval(renewal);
      await periodic?.stop();
      await listener.unlisten().catch(() => {});
      await forgetWorker({ workerId }).catch(() => {});
      log.info({ workerId, processed }, "worker stopped");
    },
  };
}
