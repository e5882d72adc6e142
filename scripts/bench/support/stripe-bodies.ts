import { signStripePayload } from "@/lib/providers/stripe/verify";

export const BENCH_STRIPE_SECRET = "whsec_bench_secret_0123456789";

export type Delivery = { body: string; signature: string; eventId: string };

/**
 * A realistic Stripe delivery (a payment_intent.succeeded event of about
 * 1.2 KB) with a unique event id and payment intent, signed ahead of time so
 * the load generator spends no CPU on HMACs while measuring.
 */
export function stripeDelivery(prefix: string, index: number, createdSeconds: number): Delivery {
  const eventId = `evt_${prefix}_${index}`;
  const event = {
    id: eventId,
    object: "event",
    api_version: "2025-01-27.acacia",
    created: createdSeconds,
    livemode: false,
    pending_webhooks: 1,
    request: { id: `req_${prefix}_${index}`, idempotency_key: `${prefix}-${index}` },
    type: "payment_intent.succeeded",
    data: {
      object: {
        id: `pi_${prefix}_${index}`,
        object: "payment_intent",
        amount: 1000 + (index % 9000),
        amount_capturable: 0,
        amount_received: 1000 + (index % 9000),
        capture_method: "automatic",
        confirmation_method: "automatic",
        created: createdSeconds,
        currency: "eur",
        customer: `cus_${prefix}_${index % 500}`,
        description: "Bench order",
        latest_charge: `ch_${prefix}_${index}`,
        livemode: false,
        metadata: { order_id: `ord_${index}` },
        payment_method: `pm_${prefix}_${index}`,
        payment_method_types: ["card"],
        receipt_email: "customer@example.com",
        status: "succeeded",
      },
    },
  };
  const body = JSON.stringify(event);
  return { body, signature: signStripePayload(body, BENCH_STRIPE_SECRET, createdSeconds), eventId };
}

export function deliveries(prefix: string, count: number): Delivery[] {
  const now = Math.floor(Date.now() / 1000);
  return Array.from({ length: count }, (_, index) => stripeDelivery(prefix, index, now));
}
