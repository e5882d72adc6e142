import "server-only";
import { rawSql } from "@/db";

const SILENT_AFTER_MS = 60_000;
// Load balancers give up after a few seconds: answer 503 before they do, even if the database hangs.
const HEALTH_TIMEOUT_MS = 2_500;

class HealthTimeout extends Error {
  readonly code = "timeout";
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HealthTimeout("health check timed out")), ms);
  });
  // The losing query still settles later; nobody is waiting for it.
  work.catch(() => {});
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Database reachability, worker heartbeats and backlog, for load balancers and humans. */
export async function checkHealth({ timeoutMs = HEALTH_TIMEOUT_MS }: { timeoutMs?: number } = {}) {
  try {
    const sql = rawSql();
    const [workers, [backlog]] = await withTimeout(
      Promise.all([
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
      ]),
      timeoutMs,
    );
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
