/** Payment intents that never reached an outcome have produced no money-moving webhook to miss. */
export const UNSETTLED_INTENT_STATUSES = [
  "requires_payment_method",
  "requires_confirmation",
  "requires_action",
];

export const DUPLICATE_WINDOW_SECONDS = 10 * 60;
/** Stripe rounds converted amounts; one minor unit either way is rounding, not a disagreement. */
export const FX_TOLERANCE = 1;
/** How far from a payout's arrival date its bank deposit may be booked. */
export const DEPOSIT_WINDOW_DAYS = 3;

/**
 * Payout statuses that mean money left for the bank: Stripe's paid and
 * in_transit, MangoPay's SUCCEEDED. Only these need a bank deposit.
 */
export const DEPOSITED_PAYOUT_STATUSES = ["paid", "in_transit", "SUCCEEDED"];
