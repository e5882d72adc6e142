import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { AppError } from "@/lib/errors";
import { MAX_WEBHOOK_BYTES, payloadTooLarge } from "@/lib/http/body";
import { log } from "@/lib/log";
import type { HeaderReader, WebhookReply } from "@/lib/providers/types";
import { errorReply, receiveWebhook } from "./receive";

/** Exactly the paths the Next.js route `app/api/webhooks/[provider]` serves (no trailing slash: Next.js redirects those). */
const WEBHOOK_PATH = /^\/api\/webhooks\/([^/]+)$/;

/** The methods the route handler exports; anything else (OPTIONS…) is Next.js's to answer. */
const ROUTE_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]);

function providerInPath(request: IncomingMessage): string | null {
  const target = request.url ?? "";
  const query = target.indexOf("?");
  return WEBHOOK_PATH.exec(query < 0 ? target : target.slice(0, query))?.[1] ?? null;
}

/** True for requests the webhook route would serve, which `serveWebhook` answers the same way. */
export function isWebhookRequest(request: IncomingMessage): boolean {
  return ROUTE_METHODS.has(request.method ?? "") && providerInPath(request) !== null;
}

/** node:http has already parsed the headers; `get` joins repeated ones as web `Headers` does. */
function headerReader(request: IncomingMessage): HeaderReader {
  return {
    get(name) {
      const value = request.headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
    },
  };
}

/**
 * Reads the body straight off the socket, refusing more than the intake
 * limit: a declared oversize body unread, a streamed one as soon as it
 * passes the limit (the rest is drained, not buffered).
 */
function readBody(request: IncomingMessage): Promise<Buffer> {
  if (Number(request.headers["content-length"]) > MAX_WEBHOOK_BYTES) {
    request.resume();
    return Promise.reject(payloadTooLarge(MAX_WEBHOOK_BYTES));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_WEBHOOK_BYTES) {
        request.off("data", onData);
        request.resume();
        reject(payloadTooLarge(MAX_WEBHOOK_BYTES));
      } else chunks.push(chunk);
    };
    request.on("data", onData);
    request.once("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    // A client that goes away mid-body gets no reply; the delivery is simply not acknowledged.
    request.once("error", () => reject(new AppError("bad_request", "The request body was cut off")));
  });
}

function send(response: ServerResponse, reply: WebhookReply): void {
  if (response.destroyed) return;
  response.writeHead(reply.status, { ...reply.headers, "content-length": Buffer.byteLength(reply.body) });
  response.end(reply.body);
}

/**
 * Serves `/api/webhooks/{provider}` on node:http with the route handler's
 * intake (lib/inbox/receive.ts): the same verification, storage, replies,
 * metrics and rejection logging, without building web Request and Response
 * objects. `npm start`'s web process sends webhooks here and everything else
 * to Next.js; `npm run receiver` serves only this.
 */
export async function serveWebhook(request: IncomingMessage, response: ServerResponse): Promise<void> {
  try {
    const provider = providerInPath(request);
    if (provider === null) return send(response, errorReply(404, "Not found"));
    const url = new URL(request.url ?? "/", `http://${request.headers.host ?? "localhost"}`);
    const forwarded = request.headers["x-forwarded-for"];
    send(
      response,
      await receiveWebhook({
        providerName: decodeURIComponent(provider),
        method: request.method ?? "GET",
        url,
        headers: headerReader(request),
        readBody: () => readBody(request),
        remoteAddr:
          (typeof forwarded === "string" ? forwarded.split(",")[0]!.trim() : "") ||
          request.socket.remoteAddress ||
          undefined,
      }),
    );
  } catch (err) {
    // A malformed URL (bad host, bad percent-encoding): nothing was read or stored.
    log.warn({ err }, "could not serve a webhook request");
    send(response, errorReply(400, "Bad request"));
  }
}
