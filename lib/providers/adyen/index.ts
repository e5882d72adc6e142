import { config } from "@/lib/config";
import { keepHeaders } from "../stripe";
import type { Verification, WebhookProvider, WebhookRequest } from "../types";
import { isValidBasicAuth } from "./basic-auth";
import { normaliseAdyenItem, parseAdyenNotification } from "./normalise";
import { isValidAdyenSignature } from "./signature";

const KEPT_HEADERS = ["content-type", "user-agent", "x-request-id"];

const reject = (status: 400 | 401, reason: string, message: string): Verification => ({
  ok: false,
  status,
  reason,
  message,
});

export const adyenProvider: WebhookProvider = {
  name: "adyen",
  methods: ["POST"],

  verify(request: WebhookRequest): Verification {
    const {
      ADYEN_HMAC_KEYS: keys = [],
      ADYEN_WEBHOOK_USERNAME: username,
      ADYEN_WEBHOOK_PASSWORD: password,
    } = config();
    if (username && password && !isValidBasicAuth(request.headers.get("authorization"), username, password)) {
      return reject(401, "basic_auth_failed", "Authentication required");
    }
    if (keys.length === 0) return reject(400, "no_key_configured", "Webhook signature verification failed");

    let body: unknown;
    try {
      body = JSON.parse(request.body.toString("utf8"));
    } catch {
      return reject(400, "invalid_json", "Body is not valid JSON");
    }
    const parsed = parseAdyenNotification(body);
    if (!parsed.ok) return reject(400, parsed.reason, "Body is not an Adyen notification");

    // One bad item rejects the whole delivery: storing part of a tampered batch would trust the rest of it.
    for (const item of parsed.items) {
      if (!isValidAdyenSignature(item, keys)) {
        return reject(400, "signature_mismatch", "Webhook signature verification failed");
      }
    }
    return {
      ok: true,
      events: parsed.items.map((item) => normaliseAdyenItem(item, parsed.live)),
      headers: keepHeaders(request.headers, KEPT_HEADERS),
    };
  },

  acknowledge() {
    return { status: 200, headers: { "content-type": "text/plain; charset=utf-8" }, body: "[accepted]" };
  },
};
