import "server-only";
import { rawSql } from "@/db";

/** Workers that beat their heartbeat within the last `withinSeconds`. */
export async function liveWorkerCount({ withinSeconds }: { withinSeconds: number }): Promise<number> {
  const [row] = await rawSql()<{ count: number }[]>`
    select count(*)::int as count from worker_heartbeats
    where beat_at > now() - make_interval(secs => ${withinSeconds})`;
  return row?.count ?? 0;
}
