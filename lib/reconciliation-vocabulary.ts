/**
 * Reconciliation's fixed vocabularies (DESIGN.md), in one place for the
 * schema, the matchers and the pages alike. A foundation module with no
 * imports, so the schema (and through it every layer) names the kinds
 * without depending on lib/reconciliation.
 */
export const RUN_KINDS = ["all", "transactions", "settlement", "fees"] as const;
export type RunKind = (typeof RUN_KINDS)[number];

export const PROVIDER_BOOKS = ["stripe", "mangopay", "adyen"] as const;
type ProviderBooks = (typeof PROVIDER_BOOKS)[number];

type KindSpec = {
  /** The narrower run kind that checks it; an `all` run checks every kind. */
  runKind: Exclude<RunKind, "all">;
  /** Whose books can show it: Stripe's API, MangoPay's API, Adyen's settlement report. */
  providers: readonly ProviderBooks[];
};

const EVERY_PROVIDER = PROVIDER_BOOKS;

/**
 * Every discrepancy kind, the run kind that checks it and the providers whose
 * books can prove or disprove it. Which kinds a run checks (and so may
 * auto-resolve) is derived from this table alone.
 */
export const DISCREPANCY_KIND_TABLE = {
  missing_internal: { runKind: "transactions", providers: EVERY_PROVIDER },
  missing_at_provider: { runKind: "transactions", providers: EVERY_PROVIDER },
  amount_mismatch: { runKind: "transactions", providers: EVERY_PROVIDER },
  currency_mismatch: { runKind: "transactions", providers: EVERY_PROVIDER },
  // Adyen sends no CAPTURE webhook for automatically captured payments, so its report cannot
  // contradict an `authorised` record.
  status_mismatch: { runKind: "transactions", providers: ["stripe", "mangopay"] },
  refund_mismatch: { runKind: "transactions", providers: EVERY_PROVIDER },
  dispute_mismatch: { runKind: "transactions", providers: EVERY_PROVIDER },
  fee_mismatch: { runKind: "fees", providers: ["stripe", "adyen"] },
  payout_mismatch: { runKind: "settlement", providers: ["stripe", "adyen"] },
  deposit_missing: { runKind: "settlement", providers: ["stripe", "mangopay"] },
  deposit_mismatch: { runKind: "settlement", providers: ["stripe", "mangopay"] },
  duplicate_charge: { runKind: "transactions", providers: ["stripe"] },
  fx_mismatch: { runKind: "fees", providers: ["stripe"] },
} as const satisfies Record<string, KindSpec>;

export type DiscrepancyKind = keyof typeof DISCREPANCY_KIND_TABLE;
export const DISCREPANCY_KINDS = Object.keys(DISCREPANCY_KIND_TABLE) as [
  DiscrepancyKind,
  ...DiscrepancyKind[],
];

/** The kinds a run of `runKind` over `provider`'s books checks. */
export function kindsChecked({
  runKind,
  provider,
}: {
  runKind: RunKind;
  provider: string;
}): DiscrepancyKind[] {
  return DISCREPANCY_KINDS.filter((kind) => {
    const spec: KindSpec = DISCREPANCY_KIND_TABLE[kind];
    return (
      (runKind === "all" || spec.runKind === runKind) &&
      (spec.providers as readonly string[]).includes(provider)
    );
  });
}

/** The narrowest run kind that checks `kind` (a re-check queues that). */
export const runKindChecking = (kind: DiscrepancyKind): RunKind => DISCREPANCY_KIND_TABLE[kind].runKind;

export const DISCREPANCY_STATUSES = ["open", "resolved", "ignored", "auto_resolved"] as const;
export type DiscrepancyStatus = (typeof DISCREPANCY_STATUSES)[number];

/** The resolution a missed-webhook finding carries once its events were recovered from the provider. */
export const RECOVERED_RESOLUTION = "recovered";
