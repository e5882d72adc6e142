import "server-only";
import { randomUUID } from "node:crypto";
import { AppError } from "@/lib/errors";
import { describeError, methodNotAllowed } from "@/lib/http/respond";
import { log } from "@/lib/log";
import { observeWebhookReply } from "./process-metrics";
import { webhookProvider } from "@/lib/providers/registry";
import { jsonReply } from "@/lib/providers/reply";
import type { HeaderReader, WebhookReply } from "@/lib/providers/types";
import { countDuplicates, recordRejection } from "./deliveries";
import { storeEvents } from "./store";

/** A delivery's store gives up after this long with a 503 (providers time out around 10 to 30 s). */
const STORE_DEADLINE_MS = 5_000;

/** Monitoring writes may wait this long, no longer: during an outage the reply must not hang on them. */
const BEST_EFFORT_MS = 2_000;

const bestEffort = (work: Promise<void>) =>
  Promise.race([work, new Promise<void>((resolve) => setTimeout(resolve, BEST_EFFORT_MS).unref())]);

/**
 * One webhook request as any HTTP layer hands it over: the Next.js route
 * handler (lib/inbox/web.ts) or node:http (lib/inbox/node-http.ts).
 */
export type WebhookDelivery = {
  providerName: string;
  method: string;
  url: URL;
  headers: HeaderReader;
  /** Reads the raw body once, throwing `payloadTooLarge` past MAX_WEBHOOK_BYTES. */
  readBody: () => Promise<Buffer>;
  remoteAddr?: string;
};

export const errorReply = (status: number, message: string, headers?: Record<string, string>) =>
  jsonReply(status, { error: message }, headers);

/**
 * The whole intake path for one delivery: verify the raw bytes, store every
 * event durably, then acknowledge. Nothing is acknowledged that is not stored.
 * Every reply is counted in the process's ack-latency metric.
 */
export async function receiveWebhook(delivery: WebhookDelivery): Promise<WebhookReply> {
  const started = performance.now();
  const reply = await intake(delivery);
  observeWebhookReply({
    provider: delivery.providerName,
    status: reply.status,
    seconds: (performance.now() - started) / 1000,
  });
  return reply;
}

async function intake({
  providerName,
  method,
  url,
  headers,
  readBody,
  remoteAddr,
}: WebhookDelivery): Promise<WebhookReply> {
  const requestId = headers.get("x-request-id")?.slice(0, 100) || randomUUID();
  const provider = webhookProvider(providerName);
  if (!provider) return errorReply(404, `Unknown provider: ${providerName.slice(0, 50)}`);

  try {
    if (!provider.methods.includes(method)) throw methodNotAllowed(provider.methods);
    const body = await readBody();
    const verification = provider.verify({ method, url, headers, body, remoteAddr });
    if (!verification.ok) {
      log.warn({ requestId, provider: provider.name, reason: verification.reason }, "webhook rejected");
      await bestEffort(
        recordRejection({
          provider: provider.name,
          reason: verification.reason,
          statusCode: verification.status,
          remoteAddr,
          requestId,
        }),
      );
      return errorReply(verification.status, verification.message);
    }

    const result = await storeEvents({
      provider: provider.name,
      events: verification.events,
      rawBody: body.toString("utf8"),
      headers: verification.headers,
      deadlineMs: STORE_DEADLINE_MS,
    });
    if (result.duplicates > 0) void countDuplicates(provider.name, result.duplicates);
    if (log.isLevelEnabled("info"))
      log.info(
        {
          requestId,
          provider: provider.name,
          events: verification.events.map((event) => event.providerEventId),
          stored: result.stored.length,
          duplicates: result.duplicates,
        },
        result.stored.length > 0 ? "webhook stored" : "webhook duplicate",
      );
    return provider.acknowledge({ stored: result.stored.length, duplicates: result.duplicates });
  } catch (error) {
    if (error instanceof AppError && error.code === "payload_too_large") {
      await bestEffort(
        recordRejection({
          provider: provider.name,
          reason: "payload_too_large",
          statusCode: 413,
          remoteAddr,
          requestId,
        }),
      );
    }
    const {
      status,
      message,
      headers: replyHeaders,
    } = describeError(error, {
      requestId,
      provider: provider.name,
    });
    return errorReply(status, message, replyHeaders);
  }
}
