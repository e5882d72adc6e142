/**
 * Reconciliation's fixed vocabularies (DESIGN.md), in one place for the
 * schema, the checks and the pages alike.
 */
export const RUN_KINDS = ["all", "transactions", "settlement", "fees"] as const;
export type RunKind = (typeof RUN_KINDS)[number];

export const DISCREPANCY_KINDS = [
  "missing_internal",
  "missing_at_provider",
  "amount_mismatch",
  "currency_mismatch",
  "status_mismatch",
  "refund_mismatch",
  "dispute_mismatch",
  "fee_mismatch",
  "payout_mismatch",
  "deposit_missing",
  "deposit_mismatch",
  "duplicate_charge",
  "fx_mismatch",
] as const;
export type DiscrepancyKind = (typeof DISCREPANCY_KINDS)[number];

export const DISCREPANCY_STATUSES = ["open", "resolved", "ignored", "auto_resolved"] as const;
export type DiscrepancyStatus = (typeof DISCREPANCY_STATUSES)[number];
