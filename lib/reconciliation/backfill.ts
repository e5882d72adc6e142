import "server-only";
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type Stripe from "stripe";
import { db } from "@/db";
import { discrepancies } from "@/db/schema";
import { requireRole } from "@/lib/auth/authorize";
import type { Principal } from "@/lib/auth/principal";
import { AppError } from "@/lib/errors";
import { storeEvents } from "@/lib/inbox/store";
import { writeAudit } from "@/lib/audit/write";
import { createStripeClient } from "@/lib/providers/stripe/client";
import { normaliseStripeEvent } from "@/lib/providers/stripe/normalise";
import { withRetry } from "./retry";

const INTENT_EVENT: Record<string, string> = {
  succeeded: "payment_intent.succeeded",
  canceled: "payment_intent.canceled",
  processing: "payment_intent.processing",
  requires_payment_method: "payment_intent.payment_failed",
  requires_action: "payment_intent.requires_action",
};

/**
 * Backfills our record from the provider: the object's current state is
 * fetched and fed through the normal pipeline as recovered events (so the
 * record changes only through processing's state machines, newest state
 * winning), and the action is audited with the events it created.
 */
export async function backfillFromProvider({
  principal,
  id,
  client,
}: {
  principal: Principal;
  id: number;
  client?: Stripe;
}) {
  requireRole(principal, "finance");
  const [row] = await db.select().from(discrepancies).where(eq(discrepancies.id, id));
  if (!row) throw new AppError("not_found", `No discrepancy ${id}`);
  if (row.provider !== "stripe")
    throw new AppError(
      "bad_request",
      `Backfill from ${row.provider} is not supported; replay its events instead`,
    );
  const api = client ?? createStripeClient();
  const objects = await currentObjects(api, row.objectId);
  if (objects.length === 0)
    throw new AppError("conflict", `Stripe does not know ${row.objectId}; nothing to backfill`);

  const now = Math.floor(Date.now() / 1000);
  const events = objects.flatMap(({ type, object }) => {
    const result = normaliseStripeEvent({
      id: `evt_tally_backfill_${randomBytes(9).toString("hex")}`,
      object: "event",
      type,
      created: now,
      livemode: false,
      data: { object },
    });
    return result.ok ? [result.event] : [];
  });
  const stored = await storeEvents({
    provider: "stripe",
    events,
    rawBody: "",
    headers: { "x-tally-backfill": `discrepancy:${id}`, "x-tally-actor": principal.actor },
    recovered: true,
  });
  await db.transaction(async (tx) => {
    await writeAudit(tx, {
      principal,
      action: "discrepancy.backfill",
      target: `discrepancy:${id}`,
      details: {
        object_id: row.objectId,
        events: stored.stored.map((event) => ({ id: event.id, provider_event_id: event.providerEventId })),
        types: events.map((event) => event.type),
      },
    });
  });
  return { events: stored.stored.length };
}

async function currentObjects(api: Stripe, objectId: string) {
  const found: { type: string; object: unknown }[] = [];
  const notFound = (error: unknown) =>
    (error as { statusCode?: number } | null)?.statusCode === 404 ? null : Promise.reject(error);
  if (objectId.startsWith("po_")) {
    const payout = await withRetry(() => api.payouts.retrieve(objectId)).catch(notFound);
    if (payout)
      found.push({ type: `payout.${payout.status === "paid" ? "paid" : "updated"}`, object: payout });
    return found;
  }
  const intent = await withRetry(() => api.paymentIntents.retrieve(objectId)).catch(notFound);
  if (!intent) return found;
  found.push({ type: INTENT_EVENT[intent.status] ?? "payment_intent.created", object: intent });
  const chargeId = typeof intent.latest_charge === "string" ? intent.latest_charge : intent.latest_charge?.id;
  if (chargeId) {
    const charge = await withRetry(() => api.charges.retrieve(chargeId));
    found.push({ type: charge.amount_refunded > 0 ? "charge.refunded" : "charge.updated", object: charge });
  }
  return found;
}
