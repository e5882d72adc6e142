/** The MangoPay resources Tally keeps records for; a hook names one of them by id. */
export type MangopayResourceKind = "payin" | "payout" | "refund" | "dispute";

const KIND_BY_PREFIX: [string, MangopayResourceKind][] = [
  ["PAYIN_NORMAL_", "payin"],
  ["PAYOUT_NORMAL_", "payout"],
  ["INSTANT_PAYOUT_", "payout"],
  ["PAYIN_REFUND_", "refund"],
  ["PAYOUT_REFUND_", "refund"],
  ["DISPUTE_", "dispute"],
];

/**
 * Which resource a hook's EventType is about. Only the kind is taken from the
 * claim; the outcome always comes from the resource fetched back from the API.
 */
export function mangopayResourceKind(eventType: string): MangopayResourceKind | null {
  // Dispute documents are evidence files, not the dispute itself.
  if (eventType.startsWith("DISPUTE_DOCUMENT_")) return null;
  return KIND_BY_PREFIX.find(([prefix]) => eventType.startsWith(prefix))?.[1] ?? null;
}
