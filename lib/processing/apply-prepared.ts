import "server-only";
import { rawSql } from "@/db";
import { applySnapshots, recomputePaymentGroups, type PaymentGroup } from "@/lib/records/apply";
import { groupIdOf } from "@/lib/records/snapshot";
import { lockAll, lockKeysOf } from "./locks";
import { LostLease } from "./lost-lease";
import type { Prepared } from "./prepare";

// Only these kinds feed a payment group's refunded total and dispute flag.
const GROUP_KINDS = new Set(["payment", "charge", "refund", "dispute"]);

/**
 * Applies prepared events in one transaction: every lock they need (one
 * sorted statement), their snapshots, one recompute per touched payment
 * group, then every event's final status and attempt row in one statement
 * conditioned on our leases. Throws LostLease — rolling everything back —
 * when any event's lease has passed to another worker, so nothing of the
 * transaction commits unless all of it belongs to us.
 */
export async function applyPrepared({ items, workerId }: { items: Prepared[]; workerId: string }) {
  const snapshots = items.flatMap(({ event, snapshots }) =>
    snapshots.map((snapshot) => ({
      snapshot,
      source: { eventId: event.providerEventId, occurredAt: snapshot.occurredAt ?? event.providerCreatedAt },
    })),
  );
  const groups = new Map<string, PaymentGroup>();
  for (const { event, snapshots } of items)
    for (const snapshot of snapshots)
      if (GROUP_KINDS.has(snapshot.kind)) {
        const paymentId = groupIdOf(snapshot);
        groups.set(`${event.provider}\u0000${paymentId}`, { provider: event.provider, paymentId });
      }

  // postgres.js directly: its tagged statements are prepared once per connection.
  await rawSql().begin(async (tx) => {
    await lockAll({ tx, keys: items.flatMap(lockKeysOf) });
    await applySnapshots({ tx, snapshots });
    await recomputePaymentGroups({ tx, groups: [...groups.values()] });
    const finishedAt = new Date();
    const attempts = items.map(({ event, startedAt }) => ({
      id: event.id,
      attempt: event.attempts,
      started_at: startedAt.toISOString(),
      duration_ms: finishedAt.getTime() - startedAt.getTime(),
    }));
    // No row for an event means its lease is gone: it gets no attempt row from us either.
    // The rows are found by id; the status test stays a filter ("is true"): through the
    // (status, received_at) index the scan would visit every entry that finished events
    // left behind there until vacuum.
    const done = await tx`
      with attempt as (
        select * from jsonb_to_recordset(${JSON.stringify(attempts)}::jsonb)
          as a(id bigint, attempt int, started_at timestamptz, duration_ms int)
      ), done as (
        update events e set status = 'processed', processed_at = now(), last_error = null,
          locked_by = null, locked_until = null
        from attempt
        where e.id = attempt.id and (e.status = 'processing') is true and e.locked_by = ${workerId}
        returning e.id
      )
      insert into event_attempts (event_id, attempt, started_at, finished_at, outcome, error, duration_ms, worker_id)
      select attempt.id, attempt.attempt, attempt.started_at, ${finishedAt.toISOString()}, 'processed', null,
        attempt.duration_ms, ${workerId}
      from done join attempt on attempt.id = done.id
      returning event_id`;
    if (done.length !== items.length) throw new LostLease();
  });
}
