import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { errorResponse } from "@/lib/http/respond";
import { log } from "@/lib/log";
import { observeWebhookReply } from "@/lib/monitoring/process-metrics";
import { receiveWebhook } from "./receive";

const WEBHOOK_PATH = /^\/api\/webhooks\/([^/?]+)\/?$/;

function toRequest(request: IncomingMessage, url: URL): Request {
  const headers = new Headers();
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    headers.append(request.rawHeaders[i]!, request.rawHeaders[i + 1]!);
  }
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  return new Request(url, {
    method: request.method,
    headers,
    body: hasBody ? (Readable.toWeb(request) as ReadableStream<Uint8Array>) : undefined,
    // Node's fetch requires this for a streamed request body.
    ...(hasBody ? { duplex: "half" } : {}),
  } as RequestInit);
}

async function send(response: ServerResponse, reply: Response): Promise<void> {
  const body = Buffer.from(await reply.arrayBuffer());
  const headers: Record<string, string> = {};
  reply.headers.forEach((value, name) => (headers[name] = value));
  headers["content-length"] = String(body.length);
  response.writeHead(reply.status, headers);
  response.end(body);
}

/**
 * Serves `/api/webhooks/{provider}` on a plain node:http server with the
 * same intake as the Next.js route (`npm run receiver`, benchmarks, chaos tests).
 */
export async function serveWebhook(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const started = performance.now();
  try {
    const url = new URL(request.url ?? "/", `http://${request.headers.host ?? "localhost"}`);
    const match = WEBHOOK_PATH.exec(url.pathname);
    if (!match) return await send(response, errorResponse(404, "Not found"));
    const provider = decodeURIComponent(match[1]!);
    const remoteAddr =
      (request.headers["x-forwarded-for"] as string | undefined)?.split(",")[0]?.trim() ||
      request.socket.remoteAddress ||
      undefined;
    const reply = await receiveWebhook({
      providerName: provider,
      request: toRequest(request, url),
      remoteAddr,
    });
    observeWebhookReply({ provider, status: reply.status, seconds: (performance.now() - started) / 1000 });
    await send(response, reply);
  } catch (err) {
    // A malformed URL or a client that vanished mid-body: answer if the socket still listens.
    log.warn({ err }, "receiver could not serve a request");
    if (!response.headersSent && !response.destroyed) await send(response, errorResponse(400, "Bad request"));
    else response.destroy();
  }
}
