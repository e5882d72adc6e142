import type { RecordKind } from "@/db/schema/records";

/**
 * Each kind's lifecycle in the providers' own words. `rank` orders states
 * along the lifecycle (a later state never loses to an earlier one reported
 * at the same instant); `terminal` states are final: once reached, the record
 * never leaves them, whatever arrives later or out of order.
 */
type Lifecycle = { ranks: Record<string, number>; terminal: ReadonlySet<string> };

const lifecycle = (ranks: Record<string, number>, terminal: string[]): Lifecycle => ({
  ranks,
  terminal: new Set(terminal),
});

export const LIFECYCLES: Partial<Record<RecordKind, Lifecycle>> = {
  payment: lifecycle(
    {
      // Stripe payment intents
      requires_payment_method: 0,
      requires_confirmation: 1,
      requires_action: 2,
      processing: 3,
      requires_capture: 4,
      succeeded: 5,
      canceled: 5,
      // Adyen: the last fact about the PSP reference, in Adyen's lifecycle. A refusal is not
      // final (a later AUTHORISATION for the same reference may succeed); a capture or
      // cancellation is, whatever arrives after it — except CAPTURE_FAILED, which Adyen
      // sends only after a CAPTURE the scheme later rejected (and a fresh capture after it).
      refused: 0,
      authorised: 1,
      captured: 3,
      cancelled: 3,
      capture_failed: 4,
      // MangoPay pay-ins: CREATED, then SUCCEEDED or FAILED for good
      CREATED: 0,
      FAILED: 2,
      SUCCEEDED: 2,
    },
    ["succeeded", "canceled", "captured", "cancelled", "capture_failed", "FAILED", "SUCCEEDED"],
  ),
  charge: lifecycle({ pending: 0, failed: 1, succeeded: 1 }, ["failed", "succeeded"]),
  refund: lifecycle(
    {
      requires_action: 0,
      pending: 1,
      succeeded: 2,
      failed: 3,
      canceled: 3,
      // Adyen: REFUND (success "false" → refused), then possibly REFUND_FAILED or REFUNDED_REVERSED
      refused: 1,
      refunded: 2,
      refund_failed: 3,
      refunded_reversed: 3,
      // MangoPay: CREATED, then SUCCEEDED or FAILED for good
      CREATED: 0,
      SUCCEEDED: 1,
      FAILED: 2,
    },
    ["failed", "canceled", "refund_failed", "refunded_reversed", "FAILED", "SUCCEEDED"],
  ),
  dispute: lifecycle(
    {
      warning_needs_response: 0,
      warning_under_review: 1,
      needs_response: 1,
      under_review: 2,
      warning_closed: 3,
      won: 3,
      lost: 3,
      // Adyen's disputeStatus, as sent. None is final: a CHARGEBACK_REVERSED ("Won") can be
      // followed by a SECOND_CHARGEBACK ("Lost"), so the latest event decides; ranks only
      // break ties within one second. Lower-case codes stand in when Adyen omits the status.
      chargeback: 0,
      Undefended: 0,
      Pending: 1,
      Responded: 1,
      Accepted: 2,
      Expired: 2,
      Lost: 3,
      Won: 3,
      chargeback_reversed: 3,
      second_chargeback: 4,
      prearbitration_won: 5,
      prearbitration_lost: 5,
      // MangoPay disputes; CLOSED is final
      CREATED: 0,
      PENDING_CLIENT_ACTION: 1,
      SUBMITTED: 2,
      PENDING_BANK_ACTION: 3,
      REOPENED_PENDING_CLIENT_ACTION: 4,
      CLOSED: 5,
    },
    ["warning_closed", "won", "lost", "CLOSED"],
  ),
  subscription: lifecycle(
    {
      incomplete: 0,
      trialing: 1,
      active: 2,
      past_due: 3,
      unpaid: 4,
      paused: 3,
      incomplete_expired: 5,
      canceled: 5,
    },
    ["canceled", "incomplete_expired"],
  ),
  invoice: lifecycle({ draft: 0, open: 1, uncollectible: 2, paid: 3, void: 3 }, ["paid", "void"]),
  checkout_session: lifecycle({ open: 0, complete: 1, expired: 1 }, ["complete", "expired"]),
  payout: lifecycle(
    { pending: 0, in_transit: 1, paid: 2, failed: 2, canceled: 2, CREATED: 0, SUCCEEDED: 1, FAILED: 1 },
    ["paid", "failed", "canceled", "SUCCEEDED", "FAILED"],
  ),
  customer: lifecycle({ active: 0, deleted: 1 }, ["deleted"]),
};

export function statusRank(kind: RecordKind, status: string): number {
  return LIFECYCLES[kind]?.ranks[status] ?? 0;
}

export function isTerminal(kind: RecordKind, status: string): boolean {
  return LIFECYCLES[kind]?.terminal.has(status) ?? false;
}
