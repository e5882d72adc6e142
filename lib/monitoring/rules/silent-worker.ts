import "server-only";
import { rawSql } from "@/db";
import { dashboardLink } from "../dashboard-link";
import { fromEpochMs, type AlertRuleCheck } from "./types";

/**
 * A worker that stopped beating without a replacement: no worker has
 * started since its last beat (a restart or redeploy starts one). Workers
 * silent for over a day are forgotten.
 */
export const silentWorkerRule: AlertRuleCheck = {
  rule: "silent_worker",

  async check({ silentWorkerSeconds }) {
    const sql = rawSql();
    const rows = await sql<
      { worker_id: string; hostname: string; pid: number; beat_ms: number; age_s: number; alive: number }[]
    >`
      select w.worker_id, w.hostname, w.pid,
        (extract(epoch from w.beat_at) * 1000)::float8 as beat_ms,
        extract(epoch from (now() - w.beat_at))::int as age_s,
        (select count(*) from worker_heartbeats a
          where a.beat_at >= now() - make_interval(secs => ${silentWorkerSeconds}))::int as alive
      from worker_heartbeats w
      where w.beat_at < now() - make_interval(secs => ${silentWorkerSeconds})
        and w.beat_at > now() - interval '1 day'
        and not exists (
          select 1 from worker_heartbeats r
          where r.worker_id <> w.worker_id and r.started_at >= w.beat_at
            and r.beat_at >= now() - make_interval(secs => ${silentWorkerSeconds}))
      order by w.worker_id`;
    return rows.map((row) => ({
      rule: "silent_worker" as const,
      subject: row.worker_id,
      count: row.age_s,
      since: fromEpochMs(row.beat_ms),
      summary: `worker ${row.worker_id} (${row.hostname} pid ${row.pid}) has not beaten for ${row.age_s} s (threshold ${silentWorkerSeconds} s); ${row.alive} other worker(s) alive`,
      link: dashboardLink({ path: "/" }),
    }));
  },
};
