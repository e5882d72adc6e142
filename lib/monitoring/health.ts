import "server-only";
import { eventBacklog } from "@/lib/events/backlog";
import { recentWorkers } from "@/lib/processing/heartbeats";

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
    const [workers, backlog] = await withTimeout(Promise.all([recentWorkers(), eventBacklog()]), timeoutMs);
    const beats = workers.map((worker) => ({
      worker_id: worker.workerId,
      hostname: worker.hostname,
      pid: worker.pid,
      last_beat_age_ms: Math.round(worker.ageMs),
      alive: worker.ageMs < SILENT_AFTER_MS,
    }));
    return {
      ok: true as const,
      body: {
        status: "ok",
        database: { reachable: true },
        workers: beats,
        workers_alive: beats.filter((beat) => beat.alive).length,
        backlog: {
          size: backlog.size,
          oldest_pending_age_ms: backlog.oldestAgeMs == null ? null : Math.round(backlog.oldestAgeMs),
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
