import { POST as replayRoute } from "@/app/api/v1/events/[id]/replay/route";
import { GET as objectRoute } from "@/app/api/v1/objects/[provider]/[objectId]/route";
import { GET as getWebhook, POST as postWebhook } from "@/app/api/webhooks/[provider]/route";
import { rawSql } from "@/db";
import { insertToken } from "@/lib/auth/tokens";
import { callRoute } from "../helpers/http";

// Route handlers type their params exactly; callRoute passes a generic record.
type RouteHandler = Parameters<typeof callRoute>[0];
export const webhookGet = getWebhook as RouteHandler;
export const webhookPost = postWebhook as RouteHandler;

export type ObjectView = {
  kind: string | null;
  status: string | null;
  amount: number | null;
  currency: string | null;
  amount_refunded: number;
  disputed: boolean;
  payment_id: string | null;
  parent_id: string | null;
  provider_created_at: string | null;
  related: { object_id: string; kind: string; status: string }[];
  events: { provider_event_id: string; type: string; status: string }[];
};

/** API tokens for reading objects (viewer) and replaying events (operator). */
export async function apiTokens() {
  const viewer = await insertToken({ name: "providers-viewer", role: "viewer", createdBy: "test" });
  const operator = await insertToken({ name: "providers-ops", role: "operator", createdBy: "test" });
  return { viewer: viewer.token, operator: operator.token };
}

/** `GET /api/v1/objects/{provider}/{id}` through the real route; null on 404. */
export async function getObject(
  token: string,
  provider: string,
  objectId: string,
): Promise<ObjectView | null> {
  const response = await callRoute(objectRoute as RouteHandler, {
    path: `/api/v1/objects/${provider}/${encodeURIComponent(objectId)}`,
    params: { provider, objectId },
    token,
  });
  if (response.status === 404) return null;
  if (response.status !== 200) throw new Error(`objects API answered ${response.status}: ${response.text}`);
  return response.json() as ObjectView;
}

/** `POST /api/v1/events/{id}/replay` through the real route. */
export async function replay(token: string, id: number) {
  return callRoute(replayRoute as RouteHandler, {
    method: "POST",
    path: `/api/v1/events/${id}/replay`,
    params: { id: String(id) },
    token,
    body: JSON.stringify({ reason: "provider back" }),
    headers: { "content-type": "application/json" },
  });
}

export type StoredEvent = {
  id: number;
  provider_event_id: string;
  type: string;
  status: string;
  attempts: number;
  last_error: string | null;
};

export async function storedEvents(provider: string): Promise<StoredEvent[]> {
  const rows = await rawSql()<StoredEvent[]>`
    select id::int as id, provider_event_id, type, status, attempts, last_error
    from events where provider = ${provider} order by id`;
  return [...rows];
}

export async function recordCount(provider: string): Promise<number> {
  const [row] = await rawSql()<
    { n: number }[]
  >`select count(*)::int as n from records where provider = ${provider}`;
  return row!.n;
}
