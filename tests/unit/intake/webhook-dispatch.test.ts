import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { isWebhookRequest } from "@/lib/inbox/node-http";

const request = (method: string, url: string) => ({ method, url }) as IncomingMessage;

describe("which requests npm start's web process answers itself", () => {
  it("takes exactly the webhook route's paths, with or without a query", () => {
    expect(isWebhookRequest(request("POST", "/api/webhooks/stripe"))).toBe(true);
    expect(isWebhookRequest(request("POST", "/api/webhooks/unknown"))).toBe(true);
    expect(isWebhookRequest(request("GET", "/api/webhooks/mangopay?EventType=X&RessourceId=1&Date=2"))).toBe(
      true,
    );
    expect(isWebhookRequest(request("POST", "/api/webhooks/str%69pe"))).toBe(true);
  });

  it("takes the methods the route handler exports, HEAD included (Next.js answers it from GET)", () => {
    for (const method of ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
      expect(isWebhookRequest(request(method, "/api/webhooks/stripe"))).toBe(true);
  });

  it("leaves everything else to Next.js: other paths, a trailing slash (redirected), OPTIONS", () => {
    for (const url of [
      "/",
      "/api/webhooks",
      "/api/webhooks/",
      "/api/webhooks/stripe/",
      "/api/webhooks/stripe/extra",
      "/api/webhooksx/stripe",
      "/x/api/webhooks/stripe",
      "/api/health",
      "/api/v1/events",
    ])
      expect(isWebhookRequest(request("POST", url)), url).toBe(false);
    expect(isWebhookRequest(request("OPTIONS", "/api/webhooks/stripe"))).toBe(false);
    expect(isWebhookRequest(request("TRACE", "/api/webhooks/stripe"))).toBe(false);
  });
});
