import { describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { mangopayResourceKind } from "@/lib/providers/mangopay/event-types";
import { normaliseMangopayHook, parseMangopayHook } from "@/lib/providers/mangopay/hook";
import { hasValidToken, isAllowedSource } from "@/lib/providers/mangopay/source";

const url = (query: string, path = "/api/webhooks/mangopay") =>
  new URL(`${path}?${query}`, "https://tally.test");
const empty = Buffer.alloc(0);
const testEnv = (values: Record<string, string>) => ({ NODE_ENV: "test", ...values }) as NodeJS.ProcessEnv;

describe("MangoPay hook parameters", () => {
  it("reads EventType, RessourceId (sic) and Date from the query", () => {
    const parsed = parseMangopayHook(
      url("EventType=PAYIN_NORMAL_SUCCEEDED&RessourceId=12345&Date=1700000000"),
      empty,
      null,
    );
    expect(parsed).toEqual({
      ok: true,
      hook: { EventType: "PAYIN_NORMAL_SUCCEEDED", RessourceId: "12345", Date: 1700000000 },
    });
  });

  it("reads them from a form-encoded POST body", () => {
    const body = Buffer.from("EventType=PAYOUT_NORMAL_FAILED&RessourceId=po_1&Date=1700000001");
    const parsed = parseMangopayHook(url(""), body, "application/x-www-form-urlencoded");
    expect(parsed).toMatchObject({
      ok: true,
      hook: { EventType: "PAYOUT_NORMAL_FAILED", RessourceId: "po_1" },
    });
  });

  it.each([
    ["", "missing_parameters"],
    ["EventType=PAYIN_NORMAL_SUCCEEDED&RessourceId=1", "missing_parameters"],
    ["EventType=PAYIN_NORMAL_SUCCEEDED&ResourceId=1&Date=1700000000", "missing_parameters"],
    ["EventType=payin;drop&RessourceId=1&Date=1700000000", "invalid_event_type"],
    ["EventType=PAYIN_NORMAL_SUCCEEDED&RessourceId=../../x&Date=1700000000", "invalid_resource_id"],
    ["EventType=PAYIN_NORMAL_SUCCEEDED&RessourceId=1&Date=yesterday", "invalid_date"],
  ])("rejects %j as %s", (query, reason) => {
    expect(parseMangopayHook(url(query), empty, null)).toMatchObject({ ok: false, reason });
  });

  it("stores the hook as a claim keyed by all three parameters", () => {
    const event = normaliseMangopayHook({
      EventType: "PAYIN_NORMAL_SUCCEEDED",
      RessourceId: "777",
      Date: 1700000000,
    });
    expect(event).toMatchObject({
      providerEventId: "PAYIN_NORMAL_SUCCEEDED:777:1700000000",
      type: "PAYIN_NORMAL_SUCCEEDED",
      objectId: "777",
      objectType: "payin",
      handled: true,
      providerCreatedAt: new Date(1700000000 * 1000),
    });
    expect(normaliseMangopayHook({ EventType: "KYC_SUCCEEDED", RessourceId: "1", Date: 1 }).handled).toBe(
      false,
    );
  });

  it("maps event families to the resource to fetch", () => {
    expect(mangopayResourceKind("PAYIN_REFUND_SUCCEEDED")).toBe("refund");
    expect(mangopayResourceKind("INSTANT_PAYOUT_SUCCEEDED")).toBe("payout");
    expect(mangopayResourceKind("DISPUTE_CLOSED")).toBe("dispute");
    expect(mangopayResourceKind("DISPUTE_DOCUMENT_SUCCEEDED")).toBeNull();
    expect(mangopayResourceKind("TRANSFER_NORMAL_SUCCEEDED")).toBeNull();
  });
});

describe("MangoPay source checks", () => {
  it("matches addresses against CIDR ranges, IPv4-mapped IPv6 included", () => {
    const ranges = ["10.1.0.0/16", "203.0.113.7", "2001:db8::/32"];
    expect(isAllowedSource("10.1.200.3", ranges)).toBe(true);
    expect(isAllowedSource("::ffff:10.1.200.3", ranges)).toBe(true);
    expect(isAllowedSource("203.0.113.7", ranges)).toBe(true);
    expect(isAllowedSource("2001:db8::1", ranges)).toBe(true);
    expect(isAllowedSource("10.2.0.1", ranges)).toBe(false);
    expect(isAllowedSource(undefined, ranges)).toBe(false);
    expect(isAllowedSource("not-an-ip", ranges)).toBe(false);
  });

  it("takes the token from the path or the query", () => {
    const token = "tok_0123456789abcdef";
    expect(hasValidToken(url("EventType=X", `/api/webhooks/mangopay/${token}`), token)).toBe(true);
    expect(hasValidToken(url(`token=${token}&EventType=X`), token)).toBe(true);
    expect(hasValidToken(url("token=tok_wrong"), token)).toBe(false);
    expect(hasValidToken(url(""), token)).toBe(false);
  });

  it("validates the optional settings at start-up", () => {
    expect(
      parseConfig(testEnv({ MANGOPAY_ALLOWED_IPS: "10.0.0.0/8, 2001:db8::/32" })).MANGOPAY_ALLOWED_IPS,
    ).toEqual(["10.0.0.0/8", "2001:db8::/32"]);
    expect(() => parseConfig(testEnv({ MANGOPAY_ALLOWED_IPS: "10.0.0.0/33" }))).toThrow(
      /MANGOPAY_ALLOWED_IPS/,
    );
    expect(() => parseConfig(testEnv({ MANGOPAY_ALLOWED_IPS: "example.com" }))).toThrow(
      /MANGOPAY_ALLOWED_IPS/,
    );
    expect(() => parseConfig(testEnv({ MANGOPAY_WEBHOOK_TOKEN: "short" }))).toThrow(/MANGOPAY_WEBHOOK_TOKEN/);
    expect(() => parseConfig(testEnv({ MANGOPAY_WEBHOOK_TOKEN: "short" }))).not.toThrow(/short/);
  });
});
