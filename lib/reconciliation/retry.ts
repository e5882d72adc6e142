import Stripe from "stripe";
import { retryDelayMs } from "@/lib/backoff";

/** Rate limits, server errors and dropped connections are worth waiting for; anything else is not. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof Stripe.errors.StripeConnectionError) return true;
  if (error instanceof Stripe.errors.StripeError) {
    const status = error.statusCode ?? 0;
    return status === 429 || status >= 500;
  }
  return false;
}

/** Retries a provider call that failed for a passing reason (lib/backoff.ts); gives up after `attempts` tries. */
export async function withRetry<T>(
  call: () => Promise<T>,
  { attempts = 6, baseMs = 200, maxMs = 10_000 }: { attempts?: number; baseMs?: number; maxMs?: number } = {},
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs({ attempt, baseMs, maxMs })));
    }
  }
}
