import { config } from "@/lib/config";
import type { WebhookProvider, WebhookRequest, Verification } from "../types";
import { normaliseStripeEvent } from "./normalise";
import { checkStripeSignature } from "./verify";

const KEPT_HEADERS = ["stripe-signature", "content-type", "user-agent", "x-request-id"];

export function keepHeaders(headers: Headers, names: readonly string[]): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of names) {
    const value = headers.get(name);
    if (value !== null) kept[name] = value.slice(0, 2048);
  }
  return kept;
}

export const stripeProvider: WebhookProvider = {
  name: "stripe",
  methods: ["POST"],

  verify(request: WebhookRequest): Verification {
    const secrets = config().STRIPE_WEBHOOK_SECRET ?? [];
    const signature = checkStripeSignature(request.body, request.headers.get("stripe-signature"), secrets);
    if (!signature.ok) {
      return {
        ok: false,
        status: 400,
        reason: signature.reason,
        message: "Webhook signature verification failed",
      };
    }
    let body: unknown;
    try {
      body = JSON.parse(request.body.toString("utf8"));
    } catch {
      return { ok: false, status: 400, reason: "invalid_json", message: "Body is not valid JSON" };
    }
    const normalised = normaliseStripeEvent(body);
    if (!normalised.ok) {
      return { ok: false, status: 400, reason: normalised.reason, message: "Body is not a Stripe event" };
    }
    return { ok: true, events: [normalised.event], headers: keepHeaders(request.headers, KEPT_HEADERS) };
  },

  acknowledge({ duplicates, stored }) {
    return Response.json(
      duplicates > 0 && stored === 0 ? { received: true, duplicate: true } : { received: true },
    );
  },
};
