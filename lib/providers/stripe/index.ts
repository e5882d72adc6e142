import Stripe from "stripe";
import { config } from "@/lib/config";
import { jsonReply } from "../reply";
import {
  ProviderNotConfiguredError,
  type HeaderReader,
  ProviderUnavailableError,
  type FetchedObject,
  type WebhookProvider,
  type WebhookRequest,
  type Verification,
} from "../types";
import { normaliseStripeEvent } from "./normalise";
import { checkStripeSignature } from "./verify";

const KEPT_HEADERS = ["stripe-signature", "content-type", "user-agent", "x-request-id"];

export function keepHeaders(headers: HeaderReader, names: readonly string[]): Record<string, string> {
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
    return {
      ok: true,
      events: [{ ...normalised.event, payloadIsBody: true }],
      headers: keepHeaders(request.headers, KEPT_HEADERS),
    };
  },

  acknowledge({ duplicates, stored }) {
    return jsonReply(
      200,
      duplicates > 0 && stored === 0 ? { received: true, duplicate: true } : { received: true },
    );
  },

  async fetchObject({ type, id }): Promise<FetchedObject> {
    const retrieve = RETRIEVERS[type];
    if (!retrieve) return { found: false };
    try {
      const data = (await retrieve(stripeApi(), id)) as unknown as Record<string, unknown>;
      return { found: true, object: { id, type, data } };
    } catch (error) {
      if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404)
        return { found: false };
      throw asUnavailable(error);
    }
  },

  async listRecords({ from, to, cursor }) {
    try {
      const page = await stripeApi().charges.list({
        created: { gte: Math.floor(from.getTime() / 1000), lt: Math.floor(to.getTime() / 1000) },
        limit: 100,
        ...(cursor ? { starting_after: cursor } : {}),
      });
      const records = page.data.map((charge) => ({
        objectId: charge.id,
        objectType: "charge",
        status: charge.status,
        amount: charge.amount,
        currency: charge.currency,
        created: new Date(charge.created * 1000),
        data: charge as unknown as Record<string, unknown>,
      }));
      return { records, nextCursor: page.has_more ? (records.at(-1)?.objectId ?? null) : null };
    } catch (error) {
      throw asUnavailable(error);
    }
  },
};

type Retriever = (api: Stripe, id: string) => Promise<unknown>;
const RETRIEVERS: Record<string, Retriever> = {
  payment_intent: (api, id) => api.paymentIntents.retrieve(id),
  charge: (api, id) => api.charges.retrieve(id),
  refund: (api, id) => api.refunds.retrieve(id),
  dispute: (api, id) => api.disputes.retrieve(id),
  payout: (api, id) => api.payouts.retrieve(id),
  invoice: (api, id) => api.invoices.retrieve(id),
  subscription: (api, id) => api.subscriptions.retrieve(id),
  customer: (api, id) => api.customers.retrieve(id),
  "checkout.session": (api, id) => api.checkout.sessions.retrieve(id),
};

let cachedApi: { key: string; base: string; api: Stripe } | undefined;

function stripeApi(): Stripe {
  const { STRIPE_SECRET_KEY: key, STRIPE_API_BASE: base = "" } = config();
  if (!key) throw new ProviderNotConfiguredError("stripe", ["STRIPE_SECRET_KEY"]);
  if (cachedApi?.key !== key || cachedApi.base !== base) {
    const url = base ? new URL(base) : undefined;
    const api = new Stripe(key, {
      maxNetworkRetries: 1,
      ...(url
        ? {
            host: url.hostname,
            port: Number(url.port) || (url.protocol === "https:" ? 443 : 80),
            protocol: url.protocol === "https:" ? ("https" as const) : ("http" as const),
          }
        : {}),
    });
    cachedApi = { key, base, api };
  }
  return cachedApi.api;
}

function asUnavailable(error: unknown): Error {
  if (error instanceof ProviderNotConfiguredError) return error;
  const status = error instanceof Stripe.errors.StripeError ? error.statusCode : undefined;
  return new ProviderUnavailableError(
    "stripe",
    error instanceof Error ? error.message : "Stripe API request failed",
    status,
  );
}
