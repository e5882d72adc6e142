import "server-only";
import { rawSql } from "@/db";

/** Records that a worker is alive and how many events it has processed. */
export async function beat({
  workerId,
  hostname,
  pid,
  processed,
}: {
  workerId: string;
  hostname: string;
  pid: number;
  processed: number;
}) {
  const sql = rawSql();
  await sql`
    insert into worker_heartbeats (worker_id, hostname, pid, processed_count)
    values (${workerId}, ${hostname}, ${pid}, ${processed})
    on conflict (worker_id) do update set beat_at = now(), processed_count = excluded.processed_count`;
}

/** A worker that stops cleanly takes its row with it: only a vanished worker stays behind, silent. */
export async function forgetWorker({ workerId }: { workerId: string }) {
  const sql = rawSql();
  await sql`delete from worker_heartbeats where worker_id = ${workerId}`;
}

export type WorkerBeat = { workerId: string; hostname: string; pid: number; ageMs: number };

/** Workers that beat within the last day, the most recent first, with the age of their last beat. */
export async function recentWorkers(): Promise<WorkerBeat[]> {
  const sql = rawSql();
  const rows = await sql<{ worker_id: string; hostname: string; pid: number; age_ms: number }[]>`
    select worker_id, hostname, pid, (extract(epoch from (now() - beat_at)) * 1000)::float8 as age_ms
    from worker_heartbeats
    where beat_at > now() - interval '1 day'
    order by beat_at desc`;
  return rows.map((row) => ({
    workerId: row.worker_id,
    hostname: row.hostname,
    pid: row.pid,
    ageMs: Number(row.age_ms),
  }));
}

/**
 * Workers silent for `silentSeconds` that nothing replaced (no worker started
 * since their last beat and alive now: a restart or redeploy starts one),
 * with how many workers are alive. Workers silent for over a day are forgotten.
 */
export async function silentWorkers({ silentSeconds }: { silentSeconds: number }) {
  const sql = rawSql();
  const rows = await sql<
    { worker_id: string; hostname: string; pid: number; beat_ms: number; age_s: number; alive: number }[]
  >`
    select w.worker_id, w.hostname, w.pid,
      (extract(epoch from w.beat_at) * 1000)::float8 as beat_ms,
      extract(epoch from (now() - w.beat_at))::int as age_s,
      (select count(*) from worker_heartbeats a
        where a.beat_at >= now() - make_interval(secs => ${silentSeconds}))::int as alive
    from worker_heartbeats w
    where w.beat_at < now() - make_interval(secs => ${silentSeconds})
      and w.beat_at > now() - interval '1 day'
      and not exists (
        select 1 from worker_heartbeats r
        where r.worker_id <> w.worker_id and r.started_at >= w.beat_at
          and r.beat_at >= now() - make_interval(secs => ${silentSeconds}))
    order by w.worker_id`;
  return rows.map((row) => ({
    workerId: row.worker_id,
    hostname: row.hostname,
    pid: row.pid,
    lastBeat: new Date(Number(row.beat_ms)),
    silentSeconds: row.age_s,
    othersAlive: row.alive,
  }));
}
