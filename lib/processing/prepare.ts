import "server-only";
import type { Event } from "@/db/schema";
import { ValidationError, type RecordSnapshot } from "@/lib/records/snapshot";
import { handlerFor } from "./handlers";

export type Prepared = { event: Event; snapshots: RecordSnapshot[]; startedAt: Date };

/**
 * Turns a claimed event into its snapshots, before any transaction opens:
 * a handler may ask the provider's API (MangoPay), and no lock or
 * connection should be held across that call.
 */
export async function prepareEvent({
  event,
}: {
  event: Event;
}): Promise<{ ok: true; prepared: Prepared } | { ok: false; startedAt: Date; error: unknown }> {
  const startedAt = new Date();
  try {
    const handler = handlerFor(event.provider);
    if (!handler) throw new ValidationError(`No handler for provider ${event.provider}`);
    return { ok: true, prepared: { event, snapshots: await handler(event), startedAt } };
  } catch (error) {
    return { ok: false, startedAt, error };
  }
}
