import "server-only";
import { rawSql } from "@/db";
import { formatMoney } from "@/lib/money";
import { tablesPresent } from "../defensive";
import { dashboardLink } from "../dashboard-link";
import { fromEpochMs, plural, type AlertRuleCheck } from "./types";

/**
 * Per provider: discrepancies first found by the latest finished run that
 * are still open. Resolving them (or a later run without new ones) clears it.
 */
export const newDiscrepanciesRule: AlertRuleCheck = {
  rule: "new_discrepancies",

  async check() {
    if (!(await tablesPresent(["discrepancies", "reconciliation_runs"]))) return [];
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
        d.currency, count(*)::int as count, coalesce(sum(d.amount_at_risk), 0)::text as at_risk
      from latest l
      join discrepancies d on d.first_run_id = l.id and d.status = 'open'
      group by l.provider, l.id, l.finished_at, d.currency
      order by l.provider, d.currency`;
    const byProvider = new Map<string, (typeof rows)[number][]>();
    for (const row of rows) byProvider.set(row.provider, [...(byProvider.get(row.provider) ?? []), row]);
    return [...byProvider.entries()].map(([provider, group]) => {
      const first = group[0]!;
      const count = group.reduce((sum, row) => sum + row.count, 0);
      const risk = group
        .filter((row) => row.at_risk !== "0")
        .map((row) =>
          row.currency ? formatMoney(Number(row.at_risk), row.currency) : `${row.at_risk} (unknown currency)`,
        )
        .join(", ");
      return {
        rule: "new_discrepancies" as const,
        subject: provider,
        count,
        since: fromEpochMs(first.finished_ms),
        summary: `reconciliation run ${first.run_id} (${provider}) found ${plural(count, "new open discrepancy", "new open discrepancies")}${risk ? `; amount at risk ${risk}` : ""}`,
        link: dashboardLink({ path: `/discrepancies?run_id=${first.run_id}` }),
      };
    });
  },
};
