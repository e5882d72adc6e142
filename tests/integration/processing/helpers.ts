import { rawSql } from "@/db";
import { storeEvents } from "@/lib/inbox/store";
import { claimEvents } from "@/lib/processing/claim";
import { processChunk } from "@/lib/processing/process-chunk";
import type { Outcome } from "@/lib/processing/process-event";
import { normaliseStripeEvent } from "@/lib/providers/stripe/normalise";

/** Stores Stripe events exactly as intake does, in the given order. */
export async function ingest(events: readonly object[]) {
  for (const raw of events) {
    const normalised = normaliseStripeEvent(raw);
    if (!normalised.ok) throw new Error(normalised.reason);
    await storeEvents({
      provider: "stripe",
      events: [normalised.event],
      rawBody: JSON.stringify(raw),
      headers: {},
    });
  }
}

/** Processes every due event in claim order, a claimed chunk per transaction, as a single worker lane would. */
export async function drain(workerId = "test-drain"): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (;;) {
    const batch = await claimEvents({ workerId, limit: 25 });
    if (batch.length === 0) return outcomes;
    outcomes.push(...(await processChunk({ events: batch, workerId })));
  }
}

/** Records whose object ids contain `marker`, with the marker replaced so two copies compare equal. */
export async function recordsFor(marker: string) {
  const sql = rawSql();
  const rows = await sql`
    select provider, object_id, kind, status, amount, currency, amount_refunded, disputed, customer_id,
      payment_id, charge_id, parent_id, own_amount_refunded, own_disputed, fee, net, provider_created_at,
      last_event_at, last_event_id, order_key, data
    from records where object_id like ${`%${marker}%`} order by object_id`;
  return JSON.parse(JSON.stringify(rows).replaceAll(marker, "X")) as Record<string, unknown>[];
}
