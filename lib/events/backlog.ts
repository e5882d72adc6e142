import "server-only";
import { rawSql } from "@/db";

/** Events waiting to be processed (pending, retrying or in flight), and how long the oldest has waited. */
export async function eventBacklog(): Promise<{ size: number; oldestAgeMs: number | null }> {
  const sql = rawSql();
  const [row] = await sql<{ size: string; oldest_ms: number | null }[]>`
    select count(*) as size, (extract(epoch from (now() - min(received_at))) * 1000)::float8 as oldest_ms
    from events where status in ('pending', 'retrying', 'processing')`;
  return {
    size: Number(row?.size ?? 0),
    oldestAgeMs: row?.oldest_ms == null ? null : Number(row.oldest_ms),
  };
}
