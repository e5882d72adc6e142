import "server-only";
import { Histogram, Registry } from "prom-client";
import { webhookProvider } from "@/lib/providers/registry";
import { flushAckFailures, recordAckFailure } from "./ack-failures";

type ProcessMetrics = { registry: Registry; ackSeconds: Histogram<"provider" | "status_class"> };
const holder = globalThis as unknown as { __tallyProcessMetrics?: ProcessMetrics };

/** Metrics only this process can know (time spent answering a webhook). */
export function processMetrics(): ProcessMetrics {
  if (holder.__tallyProcessMetrics) return holder.__tallyProcessMetrics;
  const registry = new Registry();
  const ackSeconds = new Histogram({
    name: "tally_webhook_ack_seconds",
    help: "Time from receiving a webhook request to answering it, by provider and status class. Per process: each web process reports its own; sum across instances.",
    labelNames: ["provider", "status_class"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return (holder.__tallyProcessMetrics = { registry, ackSeconds });
}

/**
 * Called by the webhook route with every reply: records the ack latency, and
 * counts 5xx replies (deliveries the provider will have to retry).
 */
export function observeWebhookReply({
  provider,
  status,
  seconds,
}: {
  provider: string;
  status: number;
  seconds: number;
}): void {
  // Unknown names come from the URL: never let them create label values.
  if (!webhookProvider(provider)) return;
  processMetrics().ackSeconds.observe({ provider, status_class: `${Math.floor(status / 100)}xx` }, seconds);
  if (status >= 500) void recordAckFailure({ provider, status });
  else void flushAckFailures();
}
