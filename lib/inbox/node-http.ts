import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { MAX_WEBHOOK_BYTES } from "@/lib/http/body";
import { errorResponse } from "@/lib/http/respond";
import { log } from "@/lib/log";
import { observeWebhookReply } from "./process-metrics";
import { receiveWebhook } from "./receive";

const WEBHOOK_PATH = /^\/api\/webhooks\/([^/?]+)\/?$/;

/**
 * Reads the body off the socket (refusing more than the intake limit, so the
 * 413 comes from the shared code) and wraps it in a web Request; a buffered
 * body is far cheaper than bridging node and web streams chunk by chunk.
 */
async function toRequest(request: IncomingMessage, url: URL): Promise<Request> {
  const headers = new Headers();
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    headers.append(request.rawHeaders[i]!, request.rawHeaders[i + 1]!);
  }
  if (request.method === "GET" || request.method === "HEAD")
    return new Request(url, { method: request.method, headers });
  // A declared oversize body is refused from its header alone, unread.
  if (Number(request.headers["content-length"]) > MAX_WEBHOOK_BYTES) {
    request.resume();
    return new Request(url, { method: request.method, headers });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    // One byte over the limit is enough for the shared code to answer 413; stop reading there.
    if (size > MAX_WEBHOOK_BYTES) {
      chunks.push(chunk.subarray(0, chunk.length - (size - MAX_WEBHOOK_BYTES - 1)));
      request.resume();
      break;
    }
    chunks.push(chunk);
  }
  return new Request(url, { method: request.method, headers, body: Buffer.concat(chunks) });
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
      request: await toRequest(request, url),
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
