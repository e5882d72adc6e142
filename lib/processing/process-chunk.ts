import "server-only";
import type { Event } from "@/db/schema";
import { log } from "@/lib/log";
import { applyPrepared } from "./apply-prepared";
import { errorText, failEvent } from "./fail";
import { prepareEvent, type Prepared } from "./prepare";
import { applyOne, type Outcome } from "./process-event";

// Handlers that ask a provider's API (MangoPay) run this many calls at a time per
// chunk: with the worker's two lanes, as many as the four lanes made before chunking.
const PREPARE_CONCURRENCY = 2;

async function mapLimited<T, R>(items: T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

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
  const results = await mapLimited(events, PREPARE_CONCURRENCY, (event) => prepareEvent({ event }));
  const ready: Prepared[] = [];
  for (const [index, result] of results.entries()) {
    const event = events[index]!;
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
      log.debug({ events: ready.length, workerId }, "chunk processed");
    } catch (error) {
      log.warn(
        { error: errorText(error), events: ready.length, workerId },
        "chunk rolled back; applying its events one by one",
      );
      for (const prepared of ready) outcomes.set(prepared.event.id, await applyOne({ prepared, workerId }));
    }
  }
  return events.map((event) => outcomes.get(event.id)!);
}
