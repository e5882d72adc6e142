import Stripe from "stripe";

export const STRIPE_TOLERANCE_SECONDS = 300;

// Signature checks need no API key; one SDK instance serves every request.
const sdk = new Stripe("sk_signature_checks_only");
const signature = sdk.webhooks.signature!;

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/**
 * Checks `Stripe-Signature` over the exact raw bytes with each secret in turn
 * (several are configured while a secret is being rotated). Only `v1`
 * signatures count: the SDK ignores `v0` and any other scheme.
 */
export function checkStripeSignature(
  body: Buffer,
  header: string | null,
  secrets: readonly string[],
  nowMs?: number,
): SignatureCheck {
  if (!header) return { ok: false, reason: "missing_signature" };
  if (secrets.length === 0) return { ok: false, reason: "no_secret_configured" };
  let reason = "signature_mismatch";
  for (const secret of secrets) {
    try {
      signature.verifyHeader(body, header, secret, STRIPE_TOLERANCE_SECONDS, undefined, nowMs);
      return { ok: true };
    } catch (error) {
      const message = error instanceof Error ? error.message : "";
      if (/timestamp outside the tolerance/i.test(message)) reason = "timestamp_outside_tolerance";
      else if (/unable to extract timestamp and signatures/i.test(message) && reason === "signature_mismatch")
        reason = "malformed_signature_header";
      else if (/no signatures found with expected scheme/i.test(message) && reason === "signature_mismatch")
        reason = "no_v1_signature";
    }
  }
  return { ok: false, reason };
}

/** Builds a valid `Stripe-Signature` header; used by the sandbox simulator and tests. */
export function signStripePayload(payload: string, secret: string, timestampSeconds?: number): string {
  return sdk.webhooks.generateTestHeaderString({
    payload,
    secret,
    timestamp: timestampSeconds ?? Math.floor(Date.now() / 1000),
  });
}
