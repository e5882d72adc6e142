import "server-only";
import type { Event } from "@/db/schema";
import { snapshotFromChange } from "@/lib/records/change";
import type { RecordSnapshot } from "@/lib/records/snapshot";
import { stripeSnapshots } from "@/lib/records/stripe";
import { adyenEventChanges } from "./adyen";
import { prepareMangopayEvent } from "./mangopay";

/**
 * Turns a stored event into the record snapshots it states. Runs BEFORE the
 * event's transaction opens, because some providers (MangoPay) must be asked
 * over the network. Throws ValidationError for a permanently invalid event;
 * anything else thrown is retried.
 */
export type EventHandler = (event: Event) => Promise<RecordSnapshot[]>;

const handlers: Record<string, EventHandler> = {
  stripe: async (event) => stripeSnapshots({ type: event.type, payload: event.payload }),
  adyen: async (event) =>
    adyenEventChanges({ payload: event.payload }).map((change) => snapshotFromChange("adyen", change)),
  mangopay: async (event) => {
    const prepared = await prepareMangopayEvent({ type: event.type, objectId: event.objectId });
    // The hook's claim alone never changes a record: only what the API returned does.
    return prepared.outcome === "apply"
      ? prepared.changes.map((change) => snapshotFromChange("mangopay", change))
      : [];
  },
};

export function handlerFor(provider: string): EventHandler | undefined {
  return Object.hasOwn(handlers, provider) ? handlers[provider] : undefined;
}
