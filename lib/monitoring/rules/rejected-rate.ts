import "server-only";
import { rawSql } from "@/db";
import { dashboardLink } from "../dashboard-link";
import { fromEpochMs, plural, type AlertRuleCheck } from "./types";

/** More rejected deliveries (bad signatures, bad auth, oversize) in the last minute than allowed, per provider. */
export const rejectedRateRule: AlertRuleCheck = {
  rule: "rejected_rate",

  async check({ rejectedPerMinute }) {
    const sql = rawSql();
    const rows = await sql<{ provider: string; count: number; since_ms: number; reasons: string }[]>`
      select provider, count(*)::int as count,
        (extract(epoch from min(received_at)) * 1000)::float8 as since_ms,
        string_agg(distinct reason, ', ') as reasons
      from rejected_deliveries
      where received_at > now() - interval '1 minute'
      group by provider
      having count(*) > ${rejectedPerMinute}
      order by provider`;
    return rows.map((row) => ({
      rule: "rejected_rate" as const,
      subject: row.provider,
      count: row.count,
      since: fromEpochMs(row.since_ms),
      summary: `${plural(row.count, "rejected delivery", "rejected deliveries")} from ${row.provider} in the last minute (more than ${rejectedPerMinute}; reasons: ${row.reasons}) — forged traffic or a rotated secret?`,
      link: dashboardLink({ path: "/" }),
    }));
  },
};
