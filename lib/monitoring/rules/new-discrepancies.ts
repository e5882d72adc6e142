import "server-only";
import { formatMoney } from "@/lib/money";
import {
  newDiscrepanciesOfLatestRuns,
  type NewDiscrepancyGroup,
} from "@/lib/reconciliation/discrepancy-queries";
import { dashboardLink } from "../dashboard-link";
import { plural, type AlertRuleCheck } from "./types";

/**
 * Per provider: discrepancies first found by the latest finished run that
 * are still open. Resolving them (or a later run without new ones) clears it.
 */
export const newDiscrepanciesRule: AlertRuleCheck = {
  rule: "new_discrepancies",

  async check() {
    const byProvider = new Map<string, NewDiscrepancyGroup[]>();
    for (const group of await newDiscrepanciesOfLatestRuns())
      byProvider.set(group.provider, [...(byProvider.get(group.provider) ?? []), group]);
    return [...byProvider.entries()].map(([provider, groups]) => {
      const first = groups[0]!;
      const count = groups.reduce((sum, group) => sum + group.count, 0);
      const risk = groups
        .filter((group) => group.amountAtRisk !== 0)
        .map((group) =>
          group.currency
            ? formatMoney(group.amountAtRisk, group.currency)
            : `${group.amountAtRisk} (unknown currency)`,
        )
        .join(", ");
      return {
        rule: "new_discrepancies" as const,
        subject: provider,
        count,
        since: first.finishedAt,
        summary: `reconciliation run ${first.runId} (${provider}) found ${plural(count, "new open discrepancy", "new open discrepancies")}${risk ? `; amount at risk ${risk}` : ""}`,
        link: dashboardLink({ path: `/discrepancies?run_id=${first.runId}` }),
      };
    });
  },
};
