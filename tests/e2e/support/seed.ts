import type { APIRequestContext } from "@playwright/test";
import { signedDelivery, stripeEvent } from "../../fixtures/stripe";
import { E2E } from "./env";

/** Data goes in only through public interfaces: signed webhooks and the REST API. */
export async function sendStripeEvent<E extends { id: string }>(request: APIRequestContext, event: E) {
  const delivery = signedDelivery(event, E2E.stripeSecret);
  const response = await request.post("/api/webhooks/stripe", {
    headers: delivery.headers,
    data: delivery.body,
  });
  if (response.status() !== 200)
    throw new Error(`webhook refused: ${response.status()} ${await response.text()}`);
  return event;
}

const auth = { authorization: `Bearer ${E2E.apiToken}` };

export async function api<T>(
  request: APIRequestContext,
  method: "GET" | "POST" | "PUT",
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await request.fetch(path, {
    method,
    headers: auth,
    data: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status() >= 300)
    throw new Error(`${method} ${path}: ${response.status()} ${(await response.text()).slice(0, 200)}`);
  return (await response.json()) as T;
}

export async function createUser(request: APIRequestContext, role: string) {
  const email = `${role}-${Date.now()}@e2e.test`;
  const password = `${role}-password-123`;
  await api(request, "POST", "/api/v1/users", { email, password, role });
  return { email, password };
}

type EventSummary = { id: number; status: string; provider_event_id: string; object_id: string | null };

export async function findEvent(
  request: APIRequestContext,
  providerEventId: string,
): Promise<EventSummary | undefined> {
  const page = await api<{ data: EventSummary[] }>(request, "GET", `/api/v1/events?limit=500`);
  return page.data.find((event) => event.provider_event_id === providerEventId);
}

/** Polls the REST API until the worker has moved the event to the wanted status. */
export async function waitForStatus(
  request: APIRequestContext,
  providerEventId: string,
  status: string,
  timeoutMs = 30_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const event = await findEvent(request, providerEventId);
    if (event?.status === status) return event;
    if (Date.now() > deadline)
      throw new Error(`${providerEventId} is ${event?.status ?? "missing"}, not ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export { stripeEvent };
