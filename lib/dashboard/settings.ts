import "server-only";
import { config } from "@/lib/config";

/** Which secrets are set, by name only: their values never leave the server. */
export function secretStatus() {
  const c = config();
  return [
    {
      name: "STRIPE_WEBHOOK_SECRET",
      configured: Boolean(c.STRIPE_WEBHOOK_SECRET?.length),
      detail: c.STRIPE_WEBHOOK_SECRET?.length ? `${c.STRIPE_WEBHOOK_SECRET.length} secret(s)` : undefined,
    },
    { name: "STRIPE_SECRET_KEY", configured: Boolean(c.STRIPE_SECRET_KEY) },
    { name: "MANGOPAY_CLIENT_ID", configured: Boolean(c.MANGOPAY_CLIENT_ID) },
    { name: "MANGOPAY_API_KEY", configured: Boolean(c.MANGOPAY_API_KEY) },
    {
      name: "ADYEN_HMAC_KEYS",
      configured: Boolean(c.ADYEN_HMAC_KEYS?.length),
      detail: c.ADYEN_HMAC_KEYS?.length ? `${c.ADYEN_HMAC_KEYS.length} key(s)` : undefined,
    },
    {
      name: "ADYEN_WEBHOOK_USERNAME / PASSWORD",
      configured: Boolean(c.ADYEN_WEBHOOK_USERNAME && c.ADYEN_WEBHOOK_PASSWORD),
    },
    { name: "API_TOKEN", configured: Boolean(c.API_TOKEN) },
    { name: "METRICS_TOKEN", configured: Boolean(c.METRICS_TOKEN) },
    { name: "ALERT_WEBHOOK_URL", configured: Boolean(c.ALERT_WEBHOOK_URL) },
  ];
}

/** The public origin: AUTH_URL when set, else the host this request came in on. */
export function publicOrigin(headers: Headers): string {
  const canonical = config().AUTH_URL;
  if (canonical) return new URL(canonical).origin;
  const host = headers.get("x-forwarded-host")?.split(",")[0]?.trim() || headers.get("host") || "localhost";
  const proto = headers.get("x-forwarded-proto")?.split(",")[0]?.trim() || "http";
  return `${proto === "https" ? "https" : "http"}://${host}`;
}

export function webhookUrls(origin: string) {
  return [
    {
      provider: "Stripe",
      url: `${origin}/api/webhooks/stripe`,
      note: "Add as an endpoint in the Stripe dashboard; paste its signing secret into STRIPE_WEBHOOK_SECRET.",
    },
    {
      provider: "MangoPay",
      url: `${origin}/api/webhooks/mangopay`,
      note: "Register a hook per event type; MangoPay adds EventType, RessourceId and Date.",
    },
    {
      provider: "Adyen",
      url: `${origin}/api/webhooks/adyen`,
      note: "Standard webhook with HMAC; set ADYEN_HMAC_KEYS (and Basic auth if configured).",
    },
  ];
}
