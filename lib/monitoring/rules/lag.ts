import "server-only";
import { rawSql } from "@/db";
import { dashboardLink } from "../dashboard-link";
import { fromEpochMs, type AlertRuleCheck } from "./types";

const WINDOW_MINUTES = 5;

/**
 * p95 of receive → processed lag over the last few minutes, counting events
 * still waiting at their current age: a stuck worker raises lag even though
 * nothing gets processed. Retrying events are left out (their wait is backoff).
 */
export const lagRule: AlertRuleCheck = {
  rule: "lag_p95",

  async check({ lagThresholdSeconds }) {
    const sql = rawSql();
    const [row] = await sql<{ p95: number | null; sample: number; oldest_ms: number | null }[]>`
      with lags as (
        select extract(epoch from (processed_at - received_at)) as lag_s, null::timestamptz as waiting_since
        from events
        where processed_at >= now() - make_interval(mins => ${WINDOW_MINUTES})
          and status = 'processed' and not recovered
        union all
        select extract(epoch from (now() - received_at)), received_at
        from events
        where status in ('pending', 'processing') and not recovered
      )
      select percentile_cont(0.95) within group (order by lag_s)::float8 as p95,
        count(*)::int as sample,
        (extract(epoch from min(waiting_since)) * 1000)::float8 as oldest_ms
      from lags`;
    const p95 = row?.p95 == null ? null : Math.round(Number(row.p95));
    if (p95 == null || p95 <= lagThresholdSeconds) return [];
    const oldest = fromEpochMs(row?.oldest_ms);
    return [
      {
        rule: "lag_p95",
        subject: "",
        count: p95,
        // The oldest waiting event is when the backlog began, if it is one.
        since: oldest && Date.now() - oldest.getTime() > lagThresholdSeconds * 1000 ? oldest : null,
        summary: `processing lag p95 is ${p95} s (threshold ${lagThresholdSeconds} s) over ${row?.sample ?? 0} recent or waiting events`,
        link: dashboardLink({ path: "/events?status=pending" }),
      },
    ];
  },
};
