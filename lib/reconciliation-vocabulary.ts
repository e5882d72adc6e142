/**
 * Reconciliation's fixed vocabularies (lib/reconciliation/README.md), in one place for the
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
  /** A missed webhook can explain it (our record is absent or behind), so recovery looks for one. */
  recoverable: boolean;
};

const EVERY_PROVIDER = PROVIDER_BOOKS;

/**
 * Every discrepancy kind, the run kind that checks it, the providers whose
 * books can prove or disprove it, and whether a missed webhook can explain
 * it. Which kinds a run checks (and so may auto-resolve) and which findings
 * recovery looks at are derived from this table alone.
 */
export const DISCREPANCY_KIND_TABLE = {
  missing_internal: { runKind: "transactions", providers: EVERY_PROVIDER, recoverable: true },
  missing_at_provider: { runKind: "transactions", providers: EVERY_PROVIDER, recoverable: false },
  amount_mismatch: { runKind: "transactions", providers: EVERY_PROVIDER, recoverable: true },
  currency_mismatch: { runKind: "transactions", providers: EVERY_PROVIDER, recoverable: true },
  // Adyen sends no CAPTURE webhook for automatically captured payments, so its report cannot
  // contradict an `authorised` record.
  status_mismatch: { runKind: "transactions", providers: ["stripe", "mangopay"], recoverable: true },
  refund_mismatch: { runKind: "transactions", providers: EVERY_PROVIDER, recoverable: true },
  dispute_mismatch: { runKind: "transactions", providers: EVERY_PROVIDER, recoverable: true },
  fee_mismatch: { runKind: "fees", providers: ["stripe", "adyen"], recoverable: false },
  payout_mismatch: { runKind: "settlement", providers: ["stripe", "adyen"], recoverable: false },
  deposit_missing: { runKind: "settlement", providers: ["stripe", "mangopay"], recoverable: false },
  deposit_mismatch: { runKind: "settlement", providers: ["stripe", "mangopay"], recoverable: false },
  duplicate_charge: { runKind: "transactions", providers: ["stripe"], recoverable: false },
  fx_mismatch: { runKind: "fees", providers: ["stripe"], recoverable: false },
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

/** The kinds a missed webhook can explain, which recovery after matching looks at. */
export const RECOVERABLE_KINDS = DISCREPANCY_KINDS.filter((kind) => DISCREPANCY_KIND_TABLE[kind].recoverable);

/** The narrowest run kind that checks `kind` (a re-check queues that). */
export const runKindChecking = (kind: DiscrepancyKind): RunKind => DISCREPANCY_KIND_TABLE[kind].runKind;

export const DISCREPANCY_STATUSES = ["open", "resolved", "ignored", "auto_resolved"] as const;
export type DiscrepancyStatus = (typeof DISCREPANCY_STATUSES)[number];

/** The resolution a missed-webhook finding carries once its events were recovered from the provider. */
export const RECOVERED_RESOLUTION = "recovered";
