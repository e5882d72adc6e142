import Stripe from "stripe";
import { config } from "@/lib/config";
import { ProviderNotConfiguredError } from "../types";

/**
 * The Stripe SDK client from STRIPE_SECRET_KEY, pointed at STRIPE_API_BASE
 * when set (a local Stripe-compatible server speaks plain HTTP on its own
 * port). Retries are left to callers, who know which failures are worth
 * waiting for.
 */
export function createStripeClient({ apiKey, apiBase }: { apiKey?: string; apiBase?: string } = {}): Stripe {
  const key = apiKey ?? config().STRIPE_SECRET_KEY;
  if (!key) throw new ProviderNotConfiguredError("stripe", ["STRIPE_SECRET_KEY"]);
  const base = apiBase ?? config().STRIPE_API_BASE;
  return new Stripe(key, { maxNetworkRetries: 0, timeout: 30_000, ...stripeHostOptions(base) });
}

export function stripeHostOptions(base: string | undefined) {
  if (!base) return {};
  const url = new URL(base);
  const protocol = url.protocol === "https:" ? ("https" as const) : ("http" as const);
  return {
    host: url.hostname,
    port: Number(url.port) || (protocol === "https" ? 443 : 80),
    protocol,
  };
}
