import "server-only";
import { rawSql } from "@/db";
import { dashboardLink } from "../dashboard-link";
import { retryHorizonHours } from "../retry-horizons";
import { fromEpochMs, plural, type AlertRuleCheck } from "./types";

/**
 * Deliveries we answered with a 5xx (we could not store them), per provider.
 * The provider retries them only until its retry horizon: the message says
 * when the first one runs out, after which only reconciliation recovers it.
 */
export const ackFailuresRule: AlertRuleCheck = {
  rule: "ack_failures",

  async check({ ackFailureThreshold, ackFailureWindowMinutes }) {
    const sql = rawSql();
    const rows = await sql<{ provider: string; count: number; since_ms: number; reasons: string }[]>`
      select provider, sum(count)::int as count,
        (extract(epoch from min(minute)) * 1000)::float8 as since_ms,
        string_agg(distinct reason, ', ') as reasons
      from delivery_counts
      where outcome = 'failed'
        and minute >= date_trunc('minute', now()) - make_interval(mins => ${ackFailureWindowMinutes})
      group by provider
      having sum(count) >= ${ackFailureThreshold}
      order by provider`;
    return rows.map((row) => {
      const since = fromEpochMs(row.since_ms);
      const hours = retryHorizonHours({ provider: row.provider });
      const deadline = since ? new Date(since.getTime() + hours * 3_600_000).toISOString() : "unknown";
      return {
        rule: "ack_failures" as const,
        subject: row.provider,
        count: row.count,
        since,
        summary: `${plural(row.count, "delivery", "deliveries")} from ${row.provider} were not acknowledged (${row.reasons}) in the last ${ackFailureWindowMinutes} min; ${row.provider} retries for ${hours} h, so the first are lost after ${deadline} unless intake recovers (then reconcile that period)`,
        link: dashboardLink({ path: "/" }),
      };
    });
  },
};
