import "server-only";
import { rawSql } from "@/db";
import type { DiscrepancyKind } from "@/db/schema";
import { sumByCurrency, type MoneyByCurrency } from "@/lib/money";

/**
 * Reads of open discrepancies for the rest of Tally (overview, REST stats,
 * metrics, alerts). Money at risk is always the stored `amount_at_risk`,
 * the figure each matcher records with the finding and the discrepancies
 * page and REST list show per row: a status or currency mismatch of equal
 * amounts still puts the whole amount at risk.
 */

export type OpenDiscrepancyGroup = {
  provider: string;
  kind: DiscrepancyKind;
  /** Lower case; null when the finding has no amount in any currency. */
  currency: string | null;
  count: number;
  amountAtRisk: number;
};

/** Open discrepancies grouped by provider, kind and currency, with their summed amount at risk. */
export async function openDiscrepancyGroups(): Promise<OpenDiscrepancyGroup[]> {
  const sql = rawSql();
  const rows = await sql<
    { provider: string; kind: DiscrepancyKind; currency: string | null; count: string; at_risk: string }[]
  >`
    select provider, kind, lower(currency) as currency, count(*) as count,
      coalesce(sum(amount_at_risk), 0) as at_risk
    from discrepancies where status = 'open'
    group by 1, 2, 3 order by 1, 2, 3`;
  return rows.map((row) => ({
    provider: row.provider,
    kind: row.kind,
    currency: row.currency,
    count: Number(row.count),
    amountAtRisk: Number(row.at_risk),
  }));
}

/** How many discrepancies are open and the money they put at risk, per currency. */
export async function openDiscrepancyTotals(): Promise<{ count: number; amountAtRisk: MoneyByCurrency }> {
  const groups = await openDiscrepancyGroups();
  return {
    count: groups.reduce((sum, group) => sum + group.count, 0),
    amountAtRisk: sumByCurrency(
      groups.map((group) => ({ currency: group.currency, amount: group.amountAtRisk })),
    ),
  };
}

export type NewDiscrepancyGroup = {
  provider: string;
  runId: number;
  finishedAt: Date;
  currency: string | null;
  count: number;
  amountAtRisk: number;
};

/**
 * Per provider, the discrepancies its latest succeeded run found first that
 * are still open, by currency (the new-discrepancies alert).
 */
export async function newDiscrepanciesOfLatestRuns(): Promise<NewDiscrepancyGroup[]> {
  const sql = rawSql();
  const rows = await sql<
    {
      provider: string;
      run_id: string;
      finished_ms: number;
      currency: string | null;
      count: number;
      at_risk: string;
    }[]
  >`
    with latest as (
      select distinct on (provider) id, provider, finished_at
      from reconciliation_runs
      where status = 'succeeded' and finished_at is not null
      order by provider, finished_at desc
    )
    select l.provider, l.id::text as run_id,
      (extract(epoch from l.finished_at) * 1000)::float8 as finished_ms,
      lower(d.currency) as currency, count(*)::int as count, coalesce(sum(d.amount_at_risk), 0)::text as at_risk
    from latest l
    join discrepancies d on d.first_run_id = l.id and d.status = 'open'
    group by l.provider, l.id, l.finished_at, lower(d.currency)
    order by l.provider, lower(d.currency)`;
  return rows.map((row) => ({
    provider: row.provider,
    runId: Number(row.run_id),
    finishedAt: new Date(Number(row.finished_ms)),
    currency: row.currency,
    count: row.count,
    amountAtRisk: Number(row.at_risk),
  }));
}
