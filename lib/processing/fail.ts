import "server-only";
import { DrizzleQueryError, sql } from "drizzle-orm";
import { db } from "@/db";
import type { Event } from "@/db/schema";
import { retryDelayMs } from "@/lib/backoff";
import { config } from "@/lib/config";
import { log } from "@/lib/log";
import { ValidationError } from "@/lib/records/snapshot";
import { LostLease } from "./lost-lease";

// However many attempts have failed, an event is tried again within this long.
const MAX_RETRY_DELAY_MS = 6 * 60 * 60 * 1000;

/**
 * The error as operators read it in last_error and the logs. A failed query
 * is told by the database's own message: the query text and its parameters
 * (provider payloads, other events' data when a chunk failed) say nothing
 * useful and are not ours to copy around.
 */
export function errorText(error: unknown): string {
  const cause = error instanceof DrizzleQueryError && error.cause instanceof Error ? error.cause : error;
  return (
    cause instanceof Error
      ? `${cause.name === "Error" ? "" : `${cause.name}: `}${cause.message}`
      : String(cause)
  ).slice(0, 2000);
}

/**
 * Ends a failed attempt: a dead letter at once for a permanently invalid
 * event or after the last attempt, otherwise a retry after exponential
 * backoff. The attempt row and the new status commit together, and only
 * while the lease is still ours.
 */
export async function failEvent({
  event,
  workerId,
  startedAt,
  error,
}: {
  event: Event;
  workerId: string;
  startedAt: Date;
  error: unknown;
}): Promise<"retrying" | "dead"> {
  const { PROCESSING_MAX_ATTEMPTS, PROCESSING_BACKOFF_MS } = config();
  const permanent = error instanceof ValidationError;
  const dead = permanent || event.attempts >= PROCESSING_MAX_ATTEMPTS;
  const message = errorText(error);
  const delay = retryDelayMs({
    attempt: event.attempts,
    baseMs: PROCESSING_BACKOFF_MS,
    maxMs: MAX_RETRY_DELAY_MS,
  });
  await db
    .transaction(async (tx) => {
      const finishedAt = new Date();
      await tx.execute(sql`
        insert into event_attempts (event_id, attempt, started_at, finished_at, outcome, error, duration_ms, worker_id)
        values (${event.id}, ${event.attempts}, ${startedAt.toISOString()}, ${finishedAt.toISOString()},
          ${dead ? "dead" : "retrying"}, ${message}, ${finishedAt.getTime() - startedAt.getTime()}, ${workerId})`);
      const updated = await tx.execute(sql`
        update events set
          status = ${dead ? "dead" : "retrying"},
          last_error = ${message},
          next_attempt_at = now() + make_interval(secs => ${dead ? 0 : delay / 1000}),
          locked_by = null, locked_until = null
        where id = ${event.id} and status = 'processing' and locked_by = ${workerId}
        returning id`);
      if (updated.length !== 1) throw new LostLease();
    })
    .catch((failure) => {
      if (!(failure instanceof LostLease)) throw failure;
    });
  const level = dead ? "warn" : "info";
  log[level](
    {
      eventId: event.providerEventId,
      provider: event.provider,
      type: event.type,
      attempt: event.attempts,
      error: message,
    },
    dead ? "event dead-lettered" : "event will be retried",
  );
  return dead ? "dead" : "retrying";
}
