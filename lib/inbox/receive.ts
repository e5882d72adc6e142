import "server-only";
import { randomUUID } from "node:crypto";
import { AppError } from "@/lib/errors";
import { readRawBody } from "@/lib/http/body";
import { errorResponse, methodNotAllowed, responseForError } from "@/lib/http/respond";
import { log } from "@/lib/log";
import { webhookProvider } from "@/lib/providers/registry";
import { countDuplicates, recordRejection } from "./deliveries";
import { storeEvents } from "./store";

/** A delivery's store gives up after this long with a 503 (providers time out around 10 to 30 s). */
const STORE_DEADLINE_MS = 5_000;

/** Monitoring writes may wait this long, no longer: during an outage the reply must not hang on them. */
const BEST_EFFORT_MS = 2_000;

const bestEffort = (work: Promise<void>) =>
  Promise.race([work, new Promise<void>((resolve) => setTimeout(resolve, BEST_EFFORT_MS).unref())]);

/**
 * The whole intake path for one delivery: verify the raw bytes, store every
 * event durably, then acknowledge. Nothing is acknowledged that is not stored.
 */
export async function receiveWebhook({
  providerName,
  request,
  remoteAddr,
}: {
  providerName: string;
  request: Request;
  remoteAddr?: string;
}): Promise<Response> {
  const requestId = request.headers.get("x-request-id")?.slice(0, 100) || randomUUID();
  const provider = webhookProvider(providerName);
  if (!provider) return errorResponse(404, `Unknown provider: ${providerName.slice(0, 50)}`);

  try {
    if (!provider.methods.includes(request.method)) throw methodNotAllowed(provider.methods);
    const body = await readRawBody(request);
    const verification = provider.verify({
      method: request.method,
      url: new URL(request.url),
      headers: request.headers,
      body,
      remoteAddr,
    });
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
      return errorResponse(verification.status, verification.message);
    }

    const result = await storeEvents({
      provider: provider.name,
      events: verification.events,
      rawBody: body.toString("utf8"),
      headers: verification.headers,
      deadlineMs: STORE_DEADLINE_MS,
    });
    if (result.duplicates > 0) void countDuplicates(provider.name, result.duplicates);
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
    return responseForError(error, { requestId, provider: provider.name });
  }
}
