import type { NormalisedEvent } from "../types";
import { mangopayResourceKind } from "./event-types";

export type MangopayHook = { EventType: string; RessourceId: string; Date: number };

type ParsedHook = { ok: true; hook: MangopayHook } | { ok: false; reason: string; message: string };

const EVENT_TYPE = /^[A-Z][A-Z0-9_]{1,99}$/;
const RESOURCE_ID = /^[A-Za-z0-9_-]{1,128}$/;
const UNIX_SECONDS = /^\d{1,12}$/;

/**
 * Reads the hook's three parameters (MangoPay spells it `RessourceId`). They
 * come in the query string; a POST may carry them form-encoded instead.
 */
export function parseMangopayHook(url: URL, body: Buffer, contentType: string | null): ParsedHook {
  let params = url.searchParams;
  if (
    !params.has("EventType") &&
    body.length > 0 &&
    contentType?.includes("application/x-www-form-urlencoded")
  ) {
    params = new URLSearchParams(body.toString("utf8"));
  }
  const eventType = params.get("EventType");
  const resourceId = params.get("RessourceId");
  const date = params.get("Date");
  if (!eventType || !resourceId || !date) {
    return {
      ok: false,
      reason: "missing_parameters",
      message: "EventType, RessourceId and Date are required",
    };
  }
  if (!EVENT_TYPE.test(eventType))
    return { ok: false, reason: "invalid_event_type", message: "Invalid EventType" };
  if (!RESOURCE_ID.test(resourceId))
    return { ok: false, reason: "invalid_resource_id", message: "Invalid RessourceId" };
  if (!UNIX_SECONDS.test(date)) return { ok: false, reason: "invalid_date", message: "Invalid Date" };
  return { ok: true, hook: { EventType: eventType, RessourceId: resourceId, Date: Number(date) } };
}

/**
 * The hook is only a claim: it is stored as such, keyed by all three
 * parameters (MangoPay resends the same triple on retries).
 */
export function normaliseMangopayHook(hook: MangopayHook): NormalisedEvent {
  const kind = mangopayResourceKind(hook.EventType);
  return {
    providerEventId: `${hook.EventType}:${hook.RessourceId}:${hook.Date}`,
    type: hook.EventType,
    account: "",
    objectId: hook.RessourceId,
    objectType: kind,
    providerCreatedAt: new Date(hook.Date * 1000),
    payload: { ...hook },
    handled: kind !== null,
  };
}
