import "server-only";
import { rawSql } from "@/db";

/**
 * Drops the payload and raw body of finished events older than `days`
 * (by when they finished), keeping the event row, its attempts and the audit
 * trail. Dead letters keep theirs: they may still be replayed. Batched so a
 * first run over a large table neither locks it long nor bloats one transaction.
 */
export async function pruneEventPayloads({
  days,
  batchSize = 1_000,
  maxBatches = 100,
}: {
  days: number;
  batchSize?: number;
  maxBatches?: number;
}): Promise<number> {
  const sql = rawSql();
  let pruned = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const rows = await sql`
      with due as (
        select id from events
        where payload_pruned_at is null
          and status in ('processed', 'ignored', 'discarded')
          and received_at < now() - make_interval(days => ${days})
          and coalesce(processed_at, received_at) < now() - make_interval(days => ${days})
        order by received_at
        limit ${batchSize}
        for update skip locked
      )
      update events e set payload = null, raw_body = null, payload_pruned_at = now()
      from due where e.id = due.id
      returning e.id`;
    pruned += rows.length;
    if (rows.length < batchSize) break;
  }
  return pruned;
}
