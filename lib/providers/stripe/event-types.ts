/** Stripe event families Tally applies to internal records; any other type is stored as ignored. */
const HANDLED_PREFIXES = [
  "payment_intent.",
  "charge.",
  "refund.",
  "invoice.",
  "customer.subscription.",
  "checkout.session.",
  "payout.",
  "customer.created",
  "customer.updated",
  "customer.deleted",
];

export const isHandledStripeType = (type: string): boolean =>
  HANDLED_PREFIXES.some((prefix) => type.startsWith(prefix));
