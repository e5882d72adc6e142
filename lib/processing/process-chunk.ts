import "server-only";
import type { Event } from "@/db/schema";
import { log } from "@/lib/log";
import { applyPrepared } from "./apply-prepared";
import { failEvent } from "./fail";
import { LostLease } from "./lost-lease";
import { prepareEvent, type Prepared } from "./prepare";
import { applyOne, type Outcome } from "./process-event";

/**
 * Processes claimed events with one transaction (one commit) for all of them.
 * Snapshots are prepared first, outside any transaction; an event whose
 * preparation fails is retried or dead-lettered on its own. If the shared
 * transaction fails in any way — one event's snapshot breaks a statement, a
 * lease was lost — it rolls back whole and each event is applied again in its
 * own transaction, so one bad event costs the others nothing and nothing is
 * applied twice. Returns the outcomes in the order of `events`.
 */
export async function processChunk({
  events,
  workerId,
}: {
  events: Event[];
  workerId: string;
}): Promise<Outcome[]> {
  const outcomes = new Map<number, Outcome>();
  const ready: Prepared[] = [];
  // One at a time, as today: a handler that calls a provider's API keeps the same outbound concurrency.
  for (const event of events) {
    const result = await prepareEvent({ event });
    if (result.ok) ready.push(result.prepared);
    else
      outcomes.set(
        event.id,
        await failEvent({ event, workerId, startedAt: result.startedAt, error: result.error }),
      );
  }

  if (ready.length === 1) {
    outcomes.set(ready[0]!.event.id, await applyOne({ prepared: ready[0]!, workerId }));
  } else if (ready.length > 1) {
    try {
      await applyPrepared({ items: ready, workerId });
      for (const { event } of ready) outcomes.set(event.id, "processed");
    } catch (error) {
      log.warn(
        {
          err: error instanceof LostLease ? undefined : error,
          reason: error instanceof LostLease ? "lost lease" : "error",
          events: ready.length,
          workerId,
        },
        "chunk rolled back; applying its events one by one",
      );
      for (const prepared of ready) outcomes.set(prepared.event.id, await applyOne({ prepared, workerId }));
    }
  }
  return events.map((event) => outcomes.get(event.id)!);
}
