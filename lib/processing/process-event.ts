import "server-only";
import { sql } from "drizzle-orm";
import { db, type Transaction } from "@/db";
import type { Event } from "@/db/schema";
import { config } from "@/lib/config";
import { log } from "@/lib/log";
import { applySnapshot, recomputePaymentGroup } from "@/lib/records/apply";
import { groupIdOf, ValidationError, type RecordSnapshot } from "@/lib/records/snapshot";
import { retryDelayMs } from "./backoff";
import { handlerFor } from "./handlers";

export type Outcome = "processed" | "retrying" | "dead" | "lost_lease";

/** The lease moved to another worker (ours expired): this attempt must not commit. */
class LostLease extends Error {}

const errorText = (error: unknown) =>
  (error instanceof Error
    ? `${error.name === "Error" ? "" : `${error.name}: `}${error.message}`
    : String(error)
  ).slice(0, 2000);

async function recordAttempt(
  tx: Transaction,
  input: { event: Event; startedAt: Date; outcome: string; error?: string; workerId: string },
) {
  const finishedAt = new Date();
  await tx.execute(sql`
    insert into event_attempts (event_id, attempt, started_at, finished_at, outcome, error, duration_ms, worker_id)
    values (${input.event.id}, ${input.event.attempts}, ${input.startedAt.toISOString()}, ${finishedAt.toISOString()},
      ${input.outcome}, ${input.error ?? null}, ${finishedAt.getTime() - input.startedAt.getTime()}, ${input.workerId})`);
}

/** Serialises every change to one payment group (or object) across workers, for this transaction. */
async function lockGroups(
  tx: Transaction,
  provider: string,
  snapshots: RecordSnapshot[],
  fallback: string | null,
) {
  // The object's own key too: one object's snapshots can name different groups over
  // its life (an invoice gains its payment intent), and its events must still serialise.
  const keys = [
    ...new Set(snapshots.flatMap((s) => [`${provider}:${groupIdOf(s)}`, `${provider}:${s.objectId}`])),
  ];
  if (keys.length === 0 && fallback) keys.push(`${provider}:${fallback}`);
  if (keys.length === 0) return;
  // One round trip; the keys are taken in sorted order (the subquery's order is
  // the order the outer select evaluates in), so two transactions cannot deadlock.
  const values = sql.join(
    keys.map((key) => sql`(${key})`),
    sql`, `,
  );
  await tx.execute(sql`
    select pg_advisory_xact_lock(hashtextextended(k, 0))
    from (select k from (values ${values}) as v(k) order by k) ordered`);
}

// Only these kinds feed a payment group's refunded total and dispute flag.
const GROUP_KINDS = new Set(["payment", "charge", "refund", "dispute"]);

/**
 * Applies one claimed event in one transaction: the record changes, the
 * attempt row and the final status commit together or not at all. The status
 * update is conditioned on our lease, so an event whose lease passed to
 * another worker is rolled back here instead of being applied twice.
 */
export async function processEvent({
  event,
  workerId,
}: {
  event: Event;
  workerId: string;
}): Promise<Outcome> {
  const startedAt = new Date();
  const handler = handlerFor(event.provider);
  let snapshots: RecordSnapshot[];
  try {
    if (!handler) throw new ValidationError(`No handler for provider ${event.provider}`);
    snapshots = await handler(event);
  } catch (error) {
    return fail({ event, workerId, startedAt, error });
  }

  try {
    await db.transaction(async (tx) => {
      await lockGroups(tx, event.provider, snapshots, event.objectId);
      const groups = new Set<string>();
      for (const snapshot of snapshots) {
        await applySnapshot(tx, {
          snapshot,
          source: {
            eventId: event.providerEventId,
            occurredAt: snapshot.occurredAt ?? event.providerCreatedAt,
          },
        });
        if (GROUP_KINDS.has(snapshot.kind)) groups.add(groupIdOf(snapshot));
      }
      for (const paymentId of groups)
        await recomputePaymentGroup(tx, { provider: event.provider, paymentId });
      // Status and attempt row in one statement: no row (lease lost) means no attempt either.
      const finishedAt = new Date();
      const updated = await tx.execute(sql`
        with done as (
          update events set status = 'processed', processed_at = now(), last_error = null,
            locked_by = null, locked_until = null
          where id = ${event.id} and status = 'processing' and locked_by = ${workerId}
          returning id
        )
        insert into event_attempts (event_id, attempt, started_at, finished_at, outcome, error, duration_ms, worker_id)
        select id, ${event.attempts}, ${startedAt.toISOString()}, ${finishedAt.toISOString()}, 'processed', null,
          ${finishedAt.getTime() - startedAt.getTime()}, ${workerId}
        from done
        returning event_id`);
      if (updated.length !== 1) throw new LostLease();
    });
    log.debug(
      { eventId: event.providerEventId, provider: event.provider, type: event.type },
      "event processed",
    );
    return "processed";
  } catch (error) {
    if (error instanceof LostLease) {
      log.warn({ eventId: event.providerEventId }, "lease lost; another worker owns the event");
      return "lost_lease";
    }
    return fail({ event, workerId, startedAt, error });
  }
}

async function fail({
  event,
  workerId,
  startedAt,
  error,
}: {
  event: Event;
  workerId: string;
  startedAt: Date;
  error: unknown;
}): Promise<Outcome> {
  const { PROCESSING_MAX_ATTEMPTS, PROCESSING_BACKOFF_MS } = config();
  const permanent = error instanceof ValidationError;
  const dead = permanent || event.attempts >= PROCESSING_MAX_ATTEMPTS;
  const message = errorText(error);
  const delay = retryDelayMs({ attempt: event.attempts, baseMs: PROCESSING_BACKOFF_MS });
  await db
    .transaction(async (tx) => {
      await recordAttempt(tx, {
        event,
        startedAt,
        outcome: dead ? "dead" : "retrying",
        error: message,
        workerId,
      });
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
