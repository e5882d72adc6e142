import "server-only";
import type { Sql, TransactionSql } from "postgres";
import type { DiscrepancyKind, FeeRule, RunKind } from "@/db/schema";
import { foldIntoDiscrepancies, type FoldOutcome } from "./fold";
import { buildPaymentGroups } from "./groups";
import { findStripeDifferences } from "./stripe/find";
import { kindsChecked } from "@/lib/reconciliation-vocabulary";

export type Tx = TransactionSql;

export type MatchInput = {
  runId: number;
  provider: string;
  kind: RunKind;
  /** ISO timestamps: the run covers provider `created` in [from, to). */
  from: string;
  to: string;
  feeSchedule: { rules: FeeRule[]; tolerance: number } | null;
  /**
   * Asked about each object only we have: true when the provider does know it
   * (it was created outside the period), so it is not missing there.
   */
  existsAtProvider?: (candidate: { objectType: string; objectId: string }) => Promise<boolean>;
  /** The provider's finders; Stripe's when not given. */
  finders?: Finders;
  /** Kinds the pull could not gather the books for (a list the provider's API lacks). */
  unavailable?: readonly DiscrepancyKind[];
};

/** Fills `recon_findings` with what the provider's staged books and ours disagree on, for the checked kinds. */
export type Finders = (tx: Tx, checked: ReadonlySet<DiscrepancyKind>, input: MatchInput) => Promise<void>;

/**
 * Matching joins a whole period of provider objects to our books in one hash
 * join. At the default 4 MB its hash tables spill to temporary files in many
 * batches (16 at a million rows), which made a run several times slower than
 * the join itself and very sensitive to disk load. A run is one job at a
 * time, so its transaction may use this much memory per hash.
 */
export const MATCH_WORK_MEM = "256MB";

export type MatchResult = {
  counts: Partial<Record<DiscrepancyKind, number>>;
  matched: number;
  outcome: FoldOutcome;
};

/**
 * Classifies the run's staged provider objects against our records in
 * set-based statements and folds the findings into `discrepancies`: new ones
 * open, seen ones refreshed, ones this run checked and no longer sees
 * auto-resolved, finance's decisions kept. `onStep` hears each finished step.
 */
export async function matchRun(
  sql: Sql,
  input: MatchInput,
  onStep: (step: { done: number; total: number; label: string }) => Promise<void> = async () => {},
): Promise<MatchResult> {
  return sql.begin(async (tx) => {
    const total = 4;
    await tx`select set_config('work_mem', ${MATCH_WORK_MEM}, true)`;
    await tx`
      create temp table recon_findings (
        kind text not null,
        object_type text not null,
        object_id text not null,
        object_created_at timestamptz,
        expected_amount bigint,
        actual_amount bigint,
        currency text,
        amount_at_risk bigint not null default 0,
        expected jsonb not null default '{}',
        actual jsonb not null default '{}',
        details jsonb not null default '{}',
        primary key (kind, object_id)
      ) on commit drop`;
    // Without a schedule fees are not checked: earlier fee findings are then neither seen nor cleared.
    const checked = new Set(
      kindsChecked({ runKind: input.kind, provider: input.provider }).filter(
        (kind) => (kind !== "fee_mismatch" || input.feeSchedule) && !input.unavailable?.includes(kind),
      ),
    );
    await buildPaymentGroups(tx, input);
    await onStep({ done: 1, total, label: "grouping payments" });

    const finders = input.finders ?? findStripeDifferences;
    await finders(tx, checked, input);
    if (input.existsAtProvider) await confirmMissingAtProvider(tx, input.existsAtProvider);
    await onStep({ done: 2, total, label: "comparing" });

    const [matched] = await tx<{ count: string }[]>`
      select
        -- Payments in the period: its payment intents, and charges made without one.
        (select count(*) from reconciliation_staged
            where run_id = ${input.runId} and created >= ${input.from} and created < ${input.to}
              and (object_type = 'payment_intent' or (object_type = 'charge' and payment_intent_id is null)))
        + (select count(*) from reconciliation_staged
            where run_id = ${input.runId} and object_type = 'payout'
              and created >= ${input.from} and created < ${input.to})
        - (select count(distinct object_id) from recon_findings f
            where f.object_id in (select key from recon_payment_groups where in_period)
               or f.object_id in (select object_id from reconciliation_staged
                 where run_id = ${input.runId} and object_type = 'payout'
                   and created >= ${input.from} and created < ${input.to})) as count`;
    const outcome = await foldIntoDiscrepancies(tx, input, [...checked]);
    await onStep({ done: 3, total, label: "recording findings" });
    const rows = await tx<{ kind: DiscrepancyKind; count: string }[]>`
      select kind, count(*) as count from recon_findings group by kind`;
    await onStep({ done: total, total, label: "matched" });
    return {
      counts: Object.fromEntries(rows.map((row) => [row.kind, Number(row.count)])),
      matched: Number(matched?.count ?? 0),
      outcome,
    };
  }) as Promise<MatchResult>;
}

/** Only-ours objects may simply predate the period: the provider is asked about each before it counts. */
async function confirmMissingAtProvider(
  tx: Tx,
  existsAtProvider: NonNullable<MatchInput["existsAtProvider"]>,
) {
  const candidates = await tx<{ object_type: string; object_id: string }[]>`
    select object_type, object_id from recon_findings where kind = 'missing_at_provider' limit 1000`;
  const known: string[] = [];
  for (const candidate of candidates) {
    if (await existsAtProvider({ objectType: candidate.object_type, objectId: candidate.object_id }))
      known.push(candidate.object_id);
  }
  if (known.length > 0)
    await tx`delete from recon_findings where kind = 'missing_at_provider' and object_id = any(${known})`;
}
