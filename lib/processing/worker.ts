import "server-only";
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { rawSql } from "@/db";
import { EVENTS_CHANNEL } from "@/lib/inbox/store";
import { periodicJobs } from "@/lib/jobs/registry";
import { startJobs } from "@/lib/jobs/runner";
import { log } from "@/lib/log";
import { claimEvents, LEASE_MS, releaseExpiredLeases, renewLeases } from "./claim";
import { processEvent } from "./process-event";

const HEARTBEAT_MS = 5_000;
const LEASE_SWEEP_MS = 15_000;
const MAX_LEASE_RENEWAL_MS = 10 * 60_000;

export type Worker = { id: string; stop: () => Promise<void>; processed: () => number };

/**
 * A worker: wakes on NOTIFY (with a slow poll as a safety net), claims due
 * events in batches and applies them `concurrency` at a time, beats its
 * heartbeat, returns expired leases to the queue, and runs periodic jobs.
 */
export async function startWorker({
  workerId = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`,
  batchSize = 20,
  concurrency = 4,
  pollMs = 2_000,
  jobs = true,
}: {
  workerId?: string;
  batchSize?: number;
  concurrency?: number;
  pollMs?: number;
  jobs?: boolean;
} = {}): Promise<Worker> {
  const sql = rawSql();
  let stopped = false;
  let processed = 0;
  let wake: (() => void) | null = null;
  const signal = () => {
    const resolve = wake;
    wake = null;
    resolve?.();
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        wake = null;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const listener = await sql.listen(EVENTS_CHANNEL, signal);

  const beat = async () => {
    await sql`
      insert into worker_heartbeats (worker_id, hostname, pid, processed_count)
      values (${workerId}, ${hostname()}, ${process.pid}, ${processed})
      on conflict (worker_id) do update set beat_at = now(), processed_count = excluded.processed_count`;
  };
  await beat();
  const heartbeat = setInterval(
    () => void beat().catch((err) => log.warn({ err }, "heartbeat failed")),
    HEARTBEAT_MS,
  );
  const sweeper = setInterval(
    () => void releaseExpiredLeases().catch((err) => log.warn({ err }, "lease sweep failed")),
    LEASE_SWEEP_MS,
  );
  const periodic = jobs ? startJobs({ jobs: periodicJobs(), holder: workerId }) : null;

  const loop = (async () => {
    while (!stopped) {
      try {
        const batch = await claimEvents({ workerId, limit: batchSize });
        if (batch.length === 0) {
          await sleep(pollMs);
          continue;
        }
        // Lanes pull from the batch; events of one payment group serialise on its lock.
        let next = 0;
        const lane = async () => {
          while (next < batch.length) {
            const event = batch[next++]!;
            const outcome = await processEvent({ event, workerId });
            if (outcome === "processed") processed++;
          }
        };
        // Keep the batch's leases alive while it runs (bounded, so a hung call cannot hold events forever).
        const claimedAt = Date.now();
        const ids = batch.map((event) => event.id);
        const renewal = setInterval(() => {
          if (Date.now() - claimedAt > MAX_LEASE_RENEWAL_MS) return;
          void renewLeases({ workerId, ids }).catch((err) => log.warn({ err }, "lease renewal failed"));
        }, LEASE_MS / 3);
        try {
          await Promise.all(Array.from({ length: Math.min(concurrency, batch.length) }, lane));
        } finally {
          clearInterval(renewal);
        }
      } catch (err) {
        log.error({ err, workerId }, "worker loop error; backing off");
        await sleep(pollMs);
      }
    }
  })();

  log.info({ workerId }, "worker started");
  return {
    id: workerId,
    processed: () => processed,
    stop: async () => {
      stopped = true;
      signal();
      clearInterval(heartbeat);
      clearInterval(sweeper);
      await loop;
      await periodic?.stop();
      await listener.unlisten().catch(() => {});
      await sql`delete from worker_heartbeats where worker_id = ${workerId}`.catch(() => {});
      log.info({ workerId, processed }, "worker stopped");
    },
  };
}
