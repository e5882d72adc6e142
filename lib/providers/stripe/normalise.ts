import type { NormalisedEvent } from "../types";
import { isHandledStripeType } from "./event-types";

type StripeEventShape = {
  id?: unknown;
  object?: unknown;
  type?: unknown;
  created?: unknown;
  account?: unknown;
  livemode?: unknown;
  data?: { object?: { id?: unknown; object?: unknown } };
};

/** Turns a verified Stripe event body into an inbox event, or explains why it is not one. */
export function normaliseStripeEvent(
  body: unknown,
): { ok: true; event: NormalisedEvent } | { ok: false; reason: string } {
  if (!body || typeof body !== "object" || Array.isArray(body)) return { ok: false, reason: "not_an_event" };
  const event = body as StripeEventShape;
  if (typeof event.id !== "string" || event.id.length === 0 || event.id.length > 255)
    return { ok: false, reason: "missing_event_id" };
  if (typeof event.type !== "string" || event.type.length === 0)
    return { ok: false, reason: "missing_event_type" };
  if (event.object !== undefined && event.object !== "event") return { ok: false, reason: "not_an_event" };
  const object = event.data?.object;
  const created = typeof event.created === "number" && Number.isFinite(event.created) ? event.created : null;
  return {
    ok: true,
    event: {
      providerEventId: event.id,
      type: event.type,
      account: typeof event.account === "string" ? event.account : "",
      objectId: typeof object?.id === "string" ? object.id : null,
      objectType: typeof object?.object === "string" ? object.object : null,
      providerCreatedAt: created === null ? null : new Date(created * 1000),
      payload: body as Record<string, unknown>,
      livemode: typeof event.livemode === "boolean" ? event.livemode : undefined,
      handled: isHandledStripeType(event.type),
    },
  };
}
