import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { filterList } from "./filters";
import { paginate } from "./pagination";
import { InvalidRequestError } from "./request-error";
import { STRIPE_RESOURCES, servedShape, type StripeResource, type StripeStore } from "./objects";

/**
 * A local stand-in for api.stripe.com: the list and retrieve endpoints Tally
 * reads, with Stripe's cursor pagination, filters and error format, served
 * from a mutable in-memory store. It speaks plain HTTP so the real Stripe SDK
 * can reach it with `{ host, port, protocol: "http" }`.
 */

export type FaultStatus = 429 | 500 | 503;

export type StripeApiServer = {
  url: string;
  port: number;
  stop(): Promise<void>;
  faults: {
    failNext(status: FaultStatus, count?: number): void;
    /** Answer every request this much later (0: at once), as a distant or busy API would. */
    latency(ms: number): void;
  };
};

/** Object names as Stripe spells them in "No such …" messages. */
const OBJECT_NAMES: Record<StripeResource, string> = {
  customers: "customer",
  payment_intents: "payment_intent",
  charges: "charge",
  refunds: "refund",
  disputes: "dispute",
  payouts: "payout",
  balance_transactions: "balance_transaction",
  events: "event",
};

type StripeError = { status: number; type: string; message: string; code?: string; param?: string };

export async function startStripeApiServer({
  store,
  port = 0,
  apiKey,
  host = "127.0.0.1",
}: {
  store: StripeStore;
  port?: number;
  /** The one key accepted; any `sk_test_`/`rk_test_` key when omitted. */
  apiKey?: string;
  host?: string;
}): Promise<StripeApiServer> {
  const pendingFaults: FaultStatus[] = [];
  let requestCounter = 0;
  let latencyMs = 0;

  const answer = (request: IncomingMessage, response: ServerResponse, requestId: string) => {
    try {
      const result = handle(request, store, apiKey, pendingFaults);
      send(response, requestId, result.status, result.body);
    } catch (error) {
      const message = error instanceof Error ? error.message : "Internal error";
      send(response, requestId, 500, { error: { type: "api_error", message } });
    }
  };
  const server = createServer((request, response) => {
    requestCounter += 1;
    const requestId = `req_sandbox_${requestCounter}`;
    if (latencyMs > 0) setTimeout(() => answer(request, response, requestId), latencyMs);
    else answer(request, response, requestId);
  });
  // The SDK keeps connections alive; let stop() close idle ones at once.
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;

  return {
    url: `http://${host}:${actualPort}`,
    port: actualPort,
    faults: {
      failNext(status, count = 1) {
        for (let i = 0; i < count; i += 1) pendingFaults.push(status);
      },
      latency(ms) {
        latencyMs = ms;
      },
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(response: ServerResponse, requestId: string, status: number, body: unknown) {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "request-id": requestId,
    "stripe-version": "2025-01-27.acacia",
  });
  response.end(text);
}

function errorBody(error: StripeError) {
  const { status, ...fields } = error;
  return { status, body: { error: fields } };
}

function handle(
  request: IncomingMessage,
  store: StripeStore,
  apiKey: string | undefined,
  pendingFaults: FaultStatus[],
): { status: number; body: unknown } {
  const url = new URL(request.url ?? "/", "http://sandbox.local");

  const key = apiKeyOf(request);
  if (!key || (apiKey ? key !== apiKey : !/^(sk|rk)_test_/.test(key))) {
    return errorBody({
      status: 401,
      type: "invalid_request_error",
      message: key ? `Invalid API Key provided: ${redact(key)}` : "You did not provide an API key.",
    });
  }

  const fault = pendingFaults.shift();
  if (fault === 429) {
    return errorBody({
      status: 429,
      type: "invalid_request_error",
      code: "rate_limit",
      message: "Too many requests hit the API too quickly.",
    });
  }
  if (fault)
    return errorBody({
      status: fault,
      type: "api_error",
      message: "An unexpected error occurred (sandbox fault).",
    });

  const match = /^\/v1\/([a-z_]+)(?:\/([^/]+))?\/?$/.exec(url.pathname);
  const resource = match?.[1] as StripeResource | undefined;
  if (request.method !== "GET" || !resource || !STRIPE_RESOURCES.includes(resource)) {
    return errorBody({
      status: 404,
      type: "invalid_request_error",
      message: `Unrecognized request URL (${request.method}: ${url.pathname}).`,
    });
  }

  const id = match?.[2] ? decodeURIComponent(match[2]) : undefined;
  const collection = store[resource] as { id: string; created: number }[];
  if (id) {
    const found = collection.find((object) => object.id === id);
    if (!found) {
      return errorBody({
        status: 404,
        type: "invalid_request_error",
        code: "resource_missing",
        param: "id",
        message: `No such ${OBJECT_NAMES[resource]}: '${id}'`,
      });
    }
    return { status: 200, body: servedShape(found) };
  }

  try {
    const filtered = filterList(resource, store, url.searchParams);
    const page = paginate(filtered, collection, url.searchParams, OBJECT_NAMES[resource]);
    return {
      status: 200,
      body: {
        object: "list",
        data: page.data.map(servedShape),
        has_more: page.hasMore,
        url: `/v1/${resource}`,
      },
    };
  } catch (error) {
    if (error instanceof InvalidRequestError) {
      return errorBody({
        status: error.status,
        type: "invalid_request_error",
        code: error.code,
        param: error.param,
        message: error.message,
      });
    }
    throw error;
  }
}

function apiKeyOf(request: IncomingMessage): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const bearer = /^Bearer\s+(.+)$/i.exec(header);
  if (bearer) return bearer[1]!.trim();
  const basic = /^Basic\s+(.+)$/i.exec(header);
  if (basic) return Buffer.from(basic[1]!, "base64").toString("utf8").split(":")[0] ?? null;
  return null;
}

const redact = (key: string) =>
  `${key.slice(0, 8)}${"*".repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`;
