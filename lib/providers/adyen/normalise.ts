import type { NormalisedEvent } from "../types";
import { adyenEventObject, isHandledAdyenCode } from "./event-codes";

export type AdyenItem = {
  pspReference: string;
  originalReference?: string;
  merchantAccountCode: string;
  merchantReference?: string;
  amount?: { value?: number; currency?: string };
  eventCode: string;
  eventDate?: string;
  success: "true" | "false";
  reason?: string;
  paymentMethod?: string;
  additionalData?: Record<string, unknown>;
  [key: string]: unknown;
};

type Parsed = { ok: true; live: boolean | undefined; items: AdyenItem[] } | { ok: false; reason: string };

const isObject = (value: unknown): value is Record<string, unknown> =>
  Boolean(value) && typeof value === "object" && !Array.isArray(value);

const nonEmpty = (value: unknown): value is string => typeof value === "string" && value.length > 0;

/** Checks the shape of a standard notification and pulls out its items (before any HMAC check). */
export function parseAdyenNotification(body: unknown): Parsed {
  if (!isObject(body) || !Array.isArray(body.notificationItems))
    return { ok: false, reason: "not_a_notification" };
  if (body.notificationItems.length === 0) return { ok: false, reason: "no_notification_items" };
  const items: AdyenItem[] = [];
  for (const wrapper of body.notificationItems) {
    const item = isObject(wrapper) ? wrapper.NotificationRequestItem : undefined;
    if (!isObject(item)) return { ok: false, reason: "malformed_item" };
    if (!nonEmpty(item.pspReference) || item.pspReference.length > 200)
      return { ok: false, reason: "missing_psp_reference" };
    if (!nonEmpty(item.eventCode) || item.eventCode.length > 100)
      return { ok: false, reason: "missing_event_code" };
    if (typeof item.merchantAccountCode !== "string")
      return { ok: false, reason: "missing_merchant_account" };
    // Adyen sends `success` as the string "true" or "false", never a boolean.
    if (item.success !== "true" && item.success !== "false") return { ok: false, reason: "invalid_success" };
    if (item.amount !== undefined) {
      if (!isObject(item.amount)) return { ok: false, reason: "invalid_amount" };
      const { value, currency } = item.amount;
      if (value !== undefined && !Number.isSafeInteger(value)) return { ok: false, reason: "invalid_amount" };
      if (currency !== undefined && typeof currency !== "string")
        return { ok: false, reason: "invalid_amount" };
    }
    items.push(item as AdyenItem);
  }
  const live = body.live === "true" ? true : body.live === "false" ? false : undefined;
  return { ok: true, live, items };
}

function eventDate(value: unknown): Date | null {
  if (typeof value !== "string") return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** One inbox event per item; the dedup key is what Adyen documents: pspReference + eventCode + success. */
export function normaliseAdyenItem(item: AdyenItem, live: boolean | undefined): NormalisedEvent {
  return {
    providerEventId: `${item.pspReference}:${item.eventCode}:${item.success}`,
    type: item.eventCode,
    account: item.merchantAccountCode,
    ...adyenEventObject(item),
    providerCreatedAt: eventDate(item.eventDate),
    payload: { ...item },
    livemode: live,
    handled: isHandledAdyenCode(item.eventCode),
  };
}
