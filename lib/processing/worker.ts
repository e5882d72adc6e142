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

const HEARTBEAT_MS = 5_000;
const LEASE_SWEEP_MS = 15_000;
const MAX_LEASE_RENEWAL_MS = 10 * 60_000;
// Measured with scripts/bench/drain.ts on a 2-core machine shared with PostgreSQL (docs/processing.md).
const DEFAULT_CHUNK_SIZE = 25;
const DEFAULT_CONCURRENCY = 2;

export type Worker = { id: string; stop: () => Promise<void>; processed: () => number };

/**
 * A worker: wakes on NOTIFY (with a slow poll as a safety net) and runs
 * `concurrency` lanes, each claiming up to `chunkSize` due events at a time
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
  jobs = [],
}: {
  workerId?: string;
  chunkSize?: number;
  concurrency?: number;
  pollMs?: number;
  jobs?: readonly PeriodicJob[];
} = {}): Promise<Worker> {
  const sql = rawSql();
  let stopped = false;
  let processed = 0;
  // Every sleeping lane wakes on a notification: each claims its own chunk.
  const sleepers = new Set<() => void>();
  const signal = () => {
    for (const wake of [...sleepers]) wake();
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (stopped) return resolve();
      const wake = () => {
        clearTimeout(timer);
        sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      sleepers.add(wake);
    });

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
          await sleep(pollMs);
          continue;
        }
        const claimedAt = Date.now();
        for (const event of chunk) inFlight.set(event.id, claimedAt);
        try {
          const outcomes = await processChunk({ events: chunk, workerId });
          processed += outcomes.filter((outcome) => outcome === "processed").length;
        } finally {
          for (const event of chunk) inFlight.delete(event.id);
        }
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
      signal();
      clearInterval(heartbeat);
      clearInterval(sweeper);
      await lanes;
      clearInterval(renewal);
      await periodic?.stop();
      await listener.unlisten().catch(() => {});
      await forgetWorker({ workerId }).catch(() => {});
      log.info({ workerId, processed }, "worker stopped");
    },
  };
}
