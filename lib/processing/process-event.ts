import "server-only";
import type { Event } from "@/db/schema";
import { log } from "@/lib/log";
import { applyPrepared } from "./apply-prepared";
import { failEvent } from "./fail";
import { LostLease } from "./lost-lease";
import { prepareEvent, type Prepared } from "./prepare";

export type Outcome = "processed" | "retrying" | "dead" | "lost_lease";

/**
 * Applies one prepared event in its own transaction: the record changes, the
 * attempt row and the final status commit together or not at all. An event
 * whose lease passed to another worker is rolled back here instead of being
 * applied twice; any other failure is retried or dead-lettered.
 */
export async function applyOne({
  prepared,
  workerId,
}: {
  prepared: Prepared;
  workerId: string;
}): Promise<Outcome> {
  const { event, startedAt } = prepared;
  try {
    await applyPrepared({ items: [prepared], workerId });
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
    return failEvent({ event, workerId, startedAt, error });
  }
}

/** Prepares and applies one claimed event in its own transaction. */
export async function processEvent({
  event,
  workerId,
}: {
  event: Event;
  workerId: string;
}): Promise<Outcome> {
  const result = await prepareEvent({ event });
  if (!result.ok) return failEvent({ event, workerId, startedAt: result.startedAt, error: result.error });
  return applyOne({ prepared: result.prepared, workerId });
}
