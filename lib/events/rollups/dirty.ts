import "server-only";
import { sql } from "drizzle-orm";
import type { Executor } from "@/db";

/**
 * Marks the minutes (of received_at and processed_at) of events whose
 * settled status an operator action changes, in that action's transaction:
 * the rollups count settled events as final, so these minutes are read raw
 * until the next refresh recomputes them. Ordered inserts keep concurrent
 * actions from deadlocking on the same minutes.
 */
export async function markRollupMinutesDirty({
  executor,
  eventIds,
}: {
  executor: Executor;
  eventIds: readonly number[];
}): Promise<void> {
  if (eventIds.length === 0) return;
  await executor.execute(sql`
    insert into rollup_dirty_minutes (minute, marked_at)
    select distinct m.minute, now()
    from events e
      cross join lateral (values (date_trunc('minute', e.received_at)), (date_trunc('minute', e.processed_at))) as m(minute)
    where e.id = any(${`{${eventIds.join(",")}}`}::bigint[]) and m.minute is not null
    order by m.minute
    on conflict (minute) do update set marked_at = excluded.marked_at`);
}
