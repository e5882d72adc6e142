import { createRequire } from "node:module";
import MangoPay from "mangopay2-nodejs-sdk";
import { config } from "@/lib/config";
import { ProviderNotConfiguredError, ProviderUnavailableError, type FetchedObject } from "../types";
import type { MangopayResourceKind } from "./event-types";

const TIMEOUT_MS = 10_000;

type FullResponse = { status?: number; body?: unknown; data?: unknown };
type Getter = (id: string, options: { resolveWithFullResponse: true }) => Promise<FullResponse>;
type ListOptions = { resolveWithFullResponse: true; parameters: Record<string, string | number> };
type Lister = (options: ListOptions) => Promise<FullResponse>;

type Services = {
  PayIns: { get: Getter };
  PayOuts: { get: Getter };
  Refunds: { get: Getter };
  Disputes: { get: Getter };
  Events: { getAll: Lister };
};

const GETTERS: Record<MangopayResourceKind, (api: Services, id: string) => Promise<FullResponse>> = {
  payin: (api, id) => api.PayIns.get(id, { resolveWithFullResponse: true }),
  payout: (api, id) => api.PayOuts.get(id, { resolveWithFullResponse: true }),
  refund: (api, id) => api.Refunds.get(id, { resolveWithFullResponse: true }),
  dispute: (api, id) => api.Disputes.get(id, { resolveWithFullResponse: true }),
};

let patched = false;

/**
 * The SDK reads `error.response.data` on every failed request; a connection
 * error has no response, so the SDK would throw inside its own handler and its
 * promise would never settle. Giving such errors an empty response (status 0)
 * on the SDK's own axios makes an outage reject like any other failure.
 */
function patchSdkTransport(): void {
  if (patched) return;
  const here = createRequire(import.meta.url);
  const sdkRequire = createRequire(here.resolve("mangopay2-nodejs-sdk"));
  const axios = sdkRequire("axios") as {
    interceptors: { response: { use(ok: undefined, fail: (error: unknown) => Promise<never>): void } };
  };
  axios.interceptors.response.use(undefined, (error: unknown) => {
    const failure = error as { response?: unknown; message?: string; code?: string };
    if (failure && typeof failure === "object" && !failure.response && failure.code !== "ERR_CANCELED") {
      failure.response = { status: 0, data: { Message: failure.message ?? "network error" }, headers: {} };
    }
    return Promise.reject(error);
  });
  patched = true;
}

/** A last guard so a stuck SDK promise (one that never settles) cannot hold a worker forever. */
async function withDeadline<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ProviderUnavailableError("mangopay", "MangoPay API did not answer in time")),
      TIMEOUT_MS * 2,
    );
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

let cached: { key: string; api: Services } | undefined;

/** One SDK instance per configuration: the SDK keeps its OAuth token on the instance. */
export function mangopayApi(): Services {
  const { MANGOPAY_CLIENT_ID: clientId, MANGOPAY_API_KEY: apiKey, MANGOPAY_BASE_URL: baseUrl } = config();
  if (!clientId || !apiKey) {
    throw new ProviderNotConfiguredError("mangopay", ["MANGOPAY_CLIENT_ID", "MANGOPAY_API_KEY"]);
  }
  const key = JSON.stringify([clientId, apiKey, baseUrl ?? ""]);
  if (cached?.key !== key) {
    patchSdkTransport();
    const api = new MangoPay({
      clientId,
      clientApiKey: apiKey,
      ...(baseUrl ? { baseUrl: baseUrl.replace(/\/+$/, "") } : {}),
      connectionTimeout: TIMEOUT_MS,
      responseTimeout: TIMEOUT_MS,
      // The SDK's default handler prints whole error bodies to stderr; failures are reported by the caller.
      errorHandler: () => {},
    });
    cached = { key, api: api as unknown as Services };
  }
  return cached.api;
}

const statusOf = (failure: unknown): number | undefined => {
  const status = (failure as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
};

const messageOf = (failure: unknown): string => {
  if (typeof failure === "string") return failure;
  const body = (failure as { body?: { Message?: unknown }; Message?: unknown } | null) ?? {};
  const message = body.body?.Message ?? body.Message;
  return typeof message === "string" ? message : "MangoPay API request failed";
};

/** Turns an SDK rejection into a definite "unknown resource" or a retryable outage. */
export function classifyMangopayFailure(failure: unknown): { notFound: true } | ProviderUnavailableError {
  const status = statusOf(failure);
  if (status === 404) return { notFound: true };
  const detail =
    status === undefined
      ? messageOf(failure)
      : `HTTP ${status || "connection failed"}: ${messageOf(failure)}`;
  return new ProviderUnavailableError("mangopay", `MangoPay API unavailable (${detail})`, status);
}

/** Fetches one resource back from the MangoPay API: the only source of truth for its state. */
export async function fetchMangopayResource(kind: MangopayResourceKind, id: string): Promise<FetchedObject> {
  const api = mangopayApi();
  try {
    const response = await withDeadline(GETTERS[kind](api, id));
    const data = response.body ?? response.data;
    if (!data || typeof data !== "object")
      throw new ProviderUnavailableError("mangopay", "Empty MangoPay response");
    return { found: true, object: { id, type: kind, data: data as Record<string, unknown> } };
  } catch (failure) {
    if (failure instanceof ProviderUnavailableError) throw failure;
    const outcome = classifyMangopayFailure(failure);
    if ("notFound" in outcome) return { found: false };
    throw outcome;
  }
}

export type MangopayEventSummary = { EventType: string; ResourceId: string; Date: number };

/** One page of MangoPay's event list (the platform-wide history of hooks), oldest first. */
export async function listMangopayEvents(input: {
  from: Date;
  to: Date;
  page: number;
  perPage?: number;
}): Promise<{ events: MangopayEventSummary[]; totalPages: number }> {
  const api = mangopayApi();
  try {
    const response = await withDeadline(
      api.Events.getAll({
        resolveWithFullResponse: true,
        parameters: {
          AfterDate: Math.floor(input.from.getTime() / 1000),
          BeforeDate: Math.ceil(input.to.getTime() / 1000),
          Page: input.page,
          Per_Page: input.perPage ?? 100,
          Sort: "Date:ASC",
        },
      }),
    );
    const data = response.body ?? response.data;
    const headers = (response as { headers?: Record<string, string> }).headers ?? {};
    return {
      events: Array.isArray(data) ? (data as MangopayEventSummary[]) : [],
      totalPages: Number(headers["x-number-of-pages"] ?? 1) || 1,
    };
  } catch (failure) {
    const outcome = classifyMangopayFailure(failure);
    throw "notFound" in outcome
      ? new ProviderUnavailableError("mangopay", "Event list not found", 404)
      : outcome;
  }
}
