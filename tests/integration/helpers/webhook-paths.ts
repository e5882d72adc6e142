import http from "node:http";
import type { AddressInfo } from "node:net";
import * as route from "@/app/api/webhooks/[provider]/route";
import { serveWebhook } from "@/lib/inbox/node-http";

export type WebhookCall = {
  method?: string;
  /** Path and query, e.g. `/api/webhooks/stripe`. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** A body streamed in these chunks with no declared length. */
  chunks?: Uint8Array[];
};

export type WebhookAnswer = { status: number; headers: Headers; text: string; json: () => unknown };

/** One of the two HTTP layers that serve the webhook routes, both over lib/inbox. */
export type WebhookPath = { name: string; deliver: (call: WebhookCall) => Promise<WebhookAnswer> };

const answer = (status: number, headers: Headers, text: string): WebhookAnswer => ({
  status,
  headers,
  text,
  json: () => JSON.parse(text),
});

type Handler = (request: Request, context: { params: Promise<{ provider: string }> }) => Promise<Response>;
const HANDLERS: Record<string, Handler> = {
  GET: route.GET,
  POST: route.POST,
  PUT: route.PUT,
  PATCH: route.PATCH,
  DELETE: route.DELETE,
};

/** `app/api/webhooks/[provider]/route.ts` called the way Next.js calls it, with a real Request. */
const routeHandler: WebhookPath = {
  name: "the Next.js route handler",
  async deliver({ method = "POST", path, headers, body, chunks }) {
    const url = new URL(path, "http://tally.test");
    const provider = decodeURIComponent(url.pathname.split("/").at(-1)!);
    const streamed =
      chunks &&
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (const chunk of chunks) controller.enqueue(chunk);
          controller.close();
        },
      });
    const request = new Request(url, {
      method,
      headers,
      body: streamed ?? (typeof body === "string" || body === undefined ? body : new Uint8Array(body)),
      ...(streamed ? { duplex: "half" } : {}),
    } as RequestInit);
    const response = await HANDLERS[method]!(request, { params: Promise.resolve({ provider }) });
    return answer(response.status, response.headers, await response.text());
  },
};

let server: Promise<number> | undefined;

/** A node:http server in this process that sends every request to `serveWebhook`, as `npm start` sends webhooks. */
function nodeServerPort(): Promise<number> {
  server ??= new Promise((resolve) => {
    const listener = http.createServer((request, response) => void serveWebhook(request, response));
    listener.listen(0, "127.0.0.1", () => resolve((listener.address() as AddressInfo).port));
    listener.unref();
  });
  return server;
}

/** lib/inbox/node-http.ts over a real socket: `npm start`'s web process and `npm run receiver`. */
const nodeHttp: WebhookPath = {
  name: "the node:http fast path",
  async deliver({ method = "POST", path, headers = {}, body, chunks }) {
    const port = await nodeServerPort();
    return new Promise((resolve, reject) => {
      const request = http.request(
        { host: "127.0.0.1", port, method, path, headers: { ...headers, connection: "close" } },
        (response) => {
          const parts: Buffer[] = [];
          response.on("data", (part: Buffer) => parts.push(part));
          response.on("end", () => {
            const replyHeaders = new Headers();
            for (const [name, value] of Object.entries(response.headers))
              if (value !== undefined)
                replyHeaders.set(name, Array.isArray(value) ? value.join(", ") : value);
            resolve(answer(response.statusCode ?? 0, replyHeaders, Buffer.concat(parts).toString("utf8")));
          });
        },
      );
      // A server that answers before reading all of a large body may close the socket under the writer.
      request.on("error", reject);
      if (chunks) {
        for (const chunk of chunks) request.write(chunk);
        request.end();
      } else request.end(body);
    });
  },
};

export const WEBHOOK_PATHS: WebhookPath[] = [routeHandler, nodeHttp];
