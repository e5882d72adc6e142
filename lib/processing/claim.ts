import "server-only";
import { rawSql } from "@/db";
import type { Event } from "@/db/schema";
import { config } from "@/lib/config";

export const LEASE_MS = 60_000;

type EventRow = {
  id: string;
  provider: string;
  account: string;
  provider_event_id: string;
  type: string;
  object_id: string | null;
  object_type: string | null;
  status: Event["status"];
  attempts: number;
  provider_created_at: string | null;
  received_at: string;
  payload: Record<string, unknown> | null;
  recovered: boolean;
};

const date = (value: string | null) => (value ? new Date(value) : null);

function toEvent(row: EventRow): Event {
  return {
    id: Number(row.id),
    provider: row.provider,
    account: row.account,
    providerEventId: row.provider_event_id,
    type: row.type,
    objectId: row.object_id,
    objectType: row.object_type,
    status: row.status,
    attempts: row.attempts,
    providerCreatedAt: date(row.provider_created_at),
    receivedAt: new Date(row.received_at),
    nextAttemptAt: new Date(),
    lockedUntil: null,
    lockedBy: null,
    processedAt: null,
    lastError: null,
    payload: row.payload,
    rawBody: null,
    headers: null,
    livemode: null,
    recovered: row.recovered,
    payloadPrunedAt: null,
  };
}

/**
 * Claims up to `limit` due events for this worker and commits the claim:
 * status `processing`, a lease, and the attempt counted. SKIP LOCKED lets any
 * number of workers claim side by side without waiting on or sharing rows.
 */
export async function claimEvents({
  workerId,
  limit,
}: {
  workerId: string;
  limit: number;
}): Promise<Event[]> {
  const sql = rawSql();
  // Ordered by next_attempt_at alone, so the partial index yields rows in claim order and
  // the scan stops at the limit: a tie-break on id would sort every due row each time (a
  // burst stored in one statement shares one timestamp). Ties come in index order, which
  // is roughly the order they were stored in.
  const rows = await sql<EventRow[]>`
    update events e set
      status = 'processing',
      attempts = e.attempts + 1,
      locked_by = ${workerId},
      locked_until = now() + make_interval(secs => ${LEASE_MS / 1000})
    from (
      select id from events
      where status in ('pending', 'retrying') and next_attempt_at <= now()
      order by next_attempt_at
      limit ${limit}
      for update skip locked
    ) due,
    -- The claim commits without waiting for its WAL flush: lost in a crash, it is as if
    -- never made (nothing applied can outlive it: the apply's own commit flushes it first).
    (select set_config('synchronous_commit', 'off', true)) async_commit
    where e.id = due.id
    returning e.id, e.provider, e.account, e.provider_event_id, e.type, e.object_id, e.object_type,
      e.status, e.attempts, e.provider_created_at, e.received_at, e.payload, e.recovered`;
  return rows.map(toEvent).sort((a, b) => a.id - b.id);
}

/**
 * Extends this worker's leases on the given events while it is still working
 * on them, so a slow batch (a provider API taking its time) is not taken for
 * a dead worker's and processed twice. Events already finished are untouched.
 */
export async function renewLeases({ workerId, ids }: { workerId: string; ids: number[] }): Promise<number> {
  if (ids.length === 0) return 0;
  const sql = rawSql();
  // SKIP LOCKED: a row locked right now is being finished by this worker's own
  // transaction; waiting for it could deadlock against that transaction's
  // multi-row status update, and it needs no renewal.
  const rows = await sql`
    update events set locked_until = now() + make_interval(secs => ${LEASE_MS / 1000})
    where id in (
      select id from events
      where id in ${sql(ids)} and (status = 'processing') is true and locked_by = ${workerId}
      for update skip locked
    )
    returning id`;
  return rows.length;
}

/**
 * Returns events whose worker died mid-flight (lease expired) to the queue.
 * Their half-done transaction was rolled back by PostgreSQL, so nothing of
 * them was applied.
 */
export async function releaseExpiredLeases(): Promise<number> {
  const sql = rawSql();
  // An event whose every attempt died with its worker (it crashes or hangs the
  // process) would otherwise cycle forever: it becomes a dead letter instead.
  const { PROCESSING_MAX_ATTEMPTS } = config();
  const lostError =
    "Worker lost: its worker stopped before finishing (lease expired); nothing of this attempt was applied";
  const rows = await sql`
    with expired as (
      select id, locked_by, locked_until from events
      where status = 'processing' and locked_until < now()
      for update skip locked
    ), released as (
      update events e set
        status = case when e.attempts >= ${PROCESSING_MAX_ATTEMPTS} then 'dead' else 'retrying' end,
        last_error = ${lostError},
        next_attempt_at = now(), locked_by = null, locked_until = null
      from expired
      where e.id = expired.id
      returning e.id, e.attempts, e.status, expired.locked_by, expired.locked_until
    )
    -- The attempt that died left no row (its transaction rolled back): record it for the timeline.
    insert into event_attempts (event_id, attempt, started_at, finished_at, outcome, error, duration_ms, worker_id)
    select id, attempts, locked_until - make_interval(secs => ${LEASE_MS / 1000}), now(),
      case when status = 'dead' then 'dead' else 'lost' end, ${lostError},
      greatest(0, extract(epoch from (now() - (locked_until - make_interval(secs => ${LEASE_MS / 1000})))) * 1000)::int,
      locked_by
    from released
    returning event_id as id`;
  if (rows.length > 0) await sql`select pg_notify('tally_events', '')`;
  return rows.length;
}
