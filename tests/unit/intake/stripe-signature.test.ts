import { describe, expect, it } from "vitest";
import { checkStripeSignature, signStripePayload } from "@/lib/providers/stripe/verify";
import { normaliseStripeEvent } from "@/lib/providers/stripe/normalise";

const secret = "whsec_primary_secret";
const rotated = "whsec_rotated_secret";
const body = JSON.stringify({
  id: "evt_1",
  object: "event",
  type: "charge.succeeded",
  data: { object: { id: "ch_1" } },
});
const now = Math.floor(Date.now() / 1000);

function check(payload: string, header: string | null, secrets: string[], nowSeconds = now) {
  return checkStripeSignature(Buffer.from(payload), header, secrets, nowSeconds * 1000);
}

describe("Stripe signature verification", () => {
  it("accepts a valid v1 signature", () => {
    expect(check(body, signStripePayload(body, secret, now), [secret])).toEqual({ ok: true });
  });

  it("accepts a signature made with any configured secret during rotation", () => {
    const header = signStripePayload(body, rotated, now);
    expect(check(body, header, [secret, rotated])).toEqual({ ok: true });
    expect(check(body, header, [secret])).toEqual({ ok: false, reason: "signature_mismatch" });
  });

  it("accepts a header carrying signatures for both old and new secrets", () => {
    const oldSig = signStripePayload(body, secret, now).split(",")[1]!;
    const header = `${signStripePayload(body, rotated, now)},${oldSig}`;
    expect(check(body, header, [secret])).toEqual({ ok: true });
  });

  it("rejects a timestamp older than the 300 s tolerance", () => {
    const header = signStripePayload(body, secret, now - 301);
    expect(check(body, header, [secret])).toEqual({ ok: false, reason: "timestamp_outside_tolerance" });
    expect(check(body, signStripePayload(body, secret, now - 299), [secret])).toEqual({ ok: true });
  });

  it("rejects a tampered body, even by one byte", () => {
    const header = signStripePayload(body, secret, now);
    expect(check(body.replace("ch_1", "ch_2"), header, [secret]).ok).toBe(false);
  });

  it("verifies the exact bytes: added whitespace breaks the signature", () => {
    const header = signStripePayload(body, secret, now);
    expect(check(`${body}\n`, header, [secret]).ok).toBe(false);
    expect(check(` ${body}`, header, [secret]).ok).toBe(false);
  });

  it("ignores v0 signatures: a header with only v0 is rejected", () => {
    const v1 = signStripePayload(body, secret, now);
    const [timestamp, signature] = v1.split(",");
    const v0Only = `${timestamp},${signature!.replace("v1=", "v0=")}`;
    expect(check(body, v0Only, [secret])).toEqual({ ok: false, reason: "no_v1_signature" });
  });

  it("rejects a missing or malformed header", () => {
    expect(check(body, null, [secret])).toEqual({ ok: false, reason: "missing_signature" });
    expect(check(body, "garbage", [secret])).toEqual({ ok: false, reason: "malformed_signature_header" });
    expect(check(body, "", [secret])).toEqual({ ok: false, reason: "missing_signature" });
  });

  it("rejects everything when no secret is configured", () => {
    expect(check(body, signStripePayload(body, secret, now), [])).toEqual({
      ok: false,
      reason: "no_secret_configured",
    });
  });

  it("a correctly signed non-JSON body verifies but is not an event", () => {
    const text = "not json at all";
    expect(check(text, signStripePayload(text, secret, now), [secret])).toEqual({ ok: true });
    expect(() => JSON.parse(text)).toThrow();
  });
});

describe("Stripe event normalisation", () => {
  it("extracts the inbox fields", () => {
    const result = normaliseStripeEvent({
      id: "evt_9",
      object: "event",
      type: "refund.created",
      created: 1_700_000_000,
      account: "acct_1",
      livemode: true,
      data: { object: { id: "re_1", object: "refund" } },
    });
    expect(result).toEqual({
      ok: true,
      event: expect.objectContaining({
        providerEventId: "evt_9",
        type: "refund.created",
        account: "acct_1",
        objectId: "re_1",
        objectType: "refund",
        providerCreatedAt: new Date(1_700_000_000_000),
        livemode: true,
        handled: true,
      }),
    });
  });

  it("marks types without a handler as not handled", () => {
    const result = normaliseStripeEvent({
      id: "evt_2",
      object: "event",
      type: "issuing_card.created",
      data: {},
    });
    expect(result.ok && result.event.handled).toBe(false);
  });

  it("refuses bodies that are not events", () => {
    expect(normaliseStripeEvent([])).toEqual({ ok: false, reason: "not_an_event" });
    expect(normaliseStripeEvent({ type: "x" })).toEqual({ ok: false, reason: "missing_event_id" });
    expect(normaliseStripeEvent({ id: "evt_1" })).toEqual({ ok: false, reason: "missing_event_type" });
    expect(normaliseStripeEvent({ id: "evt_1", type: "x", object: "charge" })).toEqual({
      ok: false,
      reason: "not_an_event",
    });
  });
});
