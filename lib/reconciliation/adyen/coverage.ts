import "server-only";
import { rawSql } from "@/db";

/**
 * The first instant of [from, to) that no imported settlement details report
 * covers, or null when the reports cover all of it together.
 */
export async function adyenCoverageGap({ from, to }: { from: Date; to: Date }): Promise<Date | null> {
  const reports = await rawSql()<{ covers_from: Date; covers_to: Date }[]>`
    select covers_from, covers_to from adyen_settlement_reports
    where covers_from < ${to.toISOString()} and covers_to > ${from.toISOString()}
    order by covers_from`;
  let covered = from.getTime();
  for (const report of reports) {
    if (new Date(report.covers_from).getTime() > covered) break;
    covered = Math.max(covered, new Date(report.covers_to).getTime());
  }
  return covered >= to.getTime() ? null : new Date(covered);
}

export function uncoveredMessage({ from, to, gap }: { from: Date; to: Date; gap: Date }) {
  return (
    `No imported Adyen settlement details report covers ${gap.toISOString()} ` +
    `(the run covers ${from.toISOString()} to ${to.toISOString()}); ` +
    "import the report with POST /api/v1/settlement-reports/adyen first"
  );
}
