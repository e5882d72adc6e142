import "server-only";
import { rawSql } from "@/db";
import { dashboardLink } from "../dashboard-link";
import { fromEpochMs, plural, type AlertRuleCheck } from "./types";

/**
 * Events that became dead letters within the window and are still dead. The
 * time of death is the last attempt (or the event's own timestamps when no
 * attempt was recorded). Replaying or discarding them clears the alert.
 */
export const deadLetterRule: AlertRuleCheck = {
  rule: "dead_letter",

  async check({ deadLetterWindowMinutes }) {
    const sql = rawSql();
    const [row] = await sql<{ count: number; since_ms: number | null; types: string | null }[]>`
      with dead as (
        select e.type,
          greatest(e.received_at, e.processed_at,
            (select max(a.finished_at) from event_attempts a where a.event_id = e.id)) as died_at
        from events e
        where e.status = 'dead'
      ), recent as (
        select * from dead where died_at > now() - make_interval(mins => ${deadLetterWindowMinutes})
      ), by_type as (
        select type, count(*) as n from recent group by type order by n desc, type limit 3
      )
      select (select count(*) from recent)::int as count,
        (select extract(epoch from min(died_at)) * 1000 from recent)::float8 as since_ms,
        (select string_agg(type || ' ×' || n, ', ' order by n desc, type) from by_type) as types`;
    const count = row?.count ?? 0;
    if (count === 0) return [];
    return [
      {
        rule: "dead_letter",
        subject: "",
        count,
        since: fromEpochMs(row?.since_ms),
        summary: `${plural(count, "event")} became dead letters in the last ${deadLetterWindowMinutes} min (${row?.types ?? "unknown types"})`,
        link: dashboardLink({ path: "/dead-letters" }),
      },
    ];
  },
};
