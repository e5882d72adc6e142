import { config } from "@/lib/config";
import { keepHeaders } from "../stripe";
import type { FetchedObject, RecordPage, Verification, WebhookProvider, WebhookRequest } from "../types";
import { fetchMangopayResource, listMangopayEvents } from "./api";
import { mangopayResourceKind } from "./event-types";
import { normaliseMangopayHook, parseMangopayHook } from "./hook";
import { mangopayRecord } from "./record-fields";
import { hasValidToken, isAllowedSource } from "./source";

const KEPT_HEADERS = ["user-agent", "content-type", "x-request-id"];

export const mangopayProvider: WebhookProvider = {
  name: "mangopay",
  // MangoPay calls hooks with GET; POST is accepted for relays that forward them.
  methods: ["GET", "POST"],

  verify(request: WebhookRequest): Verification {
    const { MANGOPAY_ALLOWED_IPS: ranges, MANGOPAY_WEBHOOK_TOKEN: token } = config();
    if (ranges?.length && !isAllowedSource(request.remoteAddr, ranges)) {
      return { ok: false, status: 403, reason: "source_not_allowed", message: "Source address not allowed" };
    }
    if (token && !hasValidToken(request.url, token)) {
      return { ok: false, status: 403, reason: "invalid_token", message: "Invalid webhook token" };
    }
    const parsed = parseMangopayHook(request.url, request.body, request.headers.get("content-type"));
    if (!parsed.ok) return { ok: false, status: 400, reason: parsed.reason, message: parsed.message };
    return {
      ok: true,
      events: [normaliseMangopayHook(parsed.hook)],
      headers: keepHeaders(request.headers, KEPT_HEADERS),
    };
  },

  acknowledge() {
    return { status: 200, headers: {}, body: "" };
  },

  async fetchObject({ type, id }): Promise<FetchedObject> {
    const kind =
      type === "payin" || type === "payout" || type === "refund" || type === "dispute" ? type : null;
    return kind ? fetchMangopayResource(kind, id) : { found: false };
  },

  async listRecords({ from, to, cursor }): Promise<RecordPage> {
    const page = cursor ? Number(cursor) : 1;
    const { events, totalPages } = await listMangopayEvents({ from, to, page });
    const seen = new Set<string>();
    const records = [];
    for (const event of events) {
      const kind = mangopayResourceKind(event.EventType);
      if (!kind || seen.has(`${kind}:${event.ResourceId}`)) continue;
      seen.add(`${kind}:${event.ResourceId}`);
      const fetched = await fetchMangopayResource(kind, event.ResourceId);
      if (fetched.found) records.push(mangopayRecord(kind, fetched.object.data));
    }
    return { records, nextCursor: page < totalPages ? String(page + 1) : null };
  },
};
