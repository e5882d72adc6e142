import "server-only";
import { rawSql } from "@/db";

const SILENT_AFTER_MS = 60_000;

/** Database reachability, worker heartbeats and backlog, for load balancers and humans. */
export async function checkHealth() {
  const sql = rawSql();
  try {
    const [workers, [backlog]] = await Promise.all([
      sql<{ worker_id: string; hostname: string; pid: number; age_ms: number }[]>`
        select worker_id, hostname, pid,
          (extract(epoch from (now() - beat_at)) * 1000)::bigint as age_ms
        from worker_heartbeats
        where beat_at > now() - interval '1 day'
        order by beat_at desc`,
      sql<{ size: string; oldest_ms: number | null }[]>`
        select count(*) as size,
          (extract(epoch from (now() - min(received_at))) * 1000)::bigint as oldest_ms
        from events where status in ('pending', 'retrying', 'processing')`,
    ]);
    const beats = workers.map((worker) => ({
      worker_id: worker.worker_id,
      hostname: worker.hostname,
      pid: worker.pid,
      last_beat_age_ms: Number(worker.age_ms),
      alive: Number(worker.age_ms) < SILENT_AFTER_MS,
    }));
    return {
      ok: true as const,
      body: {
        status: "ok",
        database: { reachable: true },
        workers: beats,
        workers_alive: beats.filter((beat) => beat.alive).length,
        backlog: {
          size: Number(backlog?.size ?? 0),
          oldest_pending_age_ms: backlog?.oldest_ms == null ? null : Number(backlog.oldest_ms),
        },
      },
    };
  } catch (error) {
    return {
      ok: false as const,
      body: {
        status: "unavailable",
        database: { reachable: false, error: (error as { code?: string }).code ?? "unknown" },
      },
    };
  }
}
