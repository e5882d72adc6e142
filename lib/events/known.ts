import "server-only";
import { rawSql } from "@/db";

/** Which of a provider's event ids we already hold, however they reached us. */
export async function knownEventIds({ provider, ids }: { provider: string; ids: readonly string[] }) {
  if (ids.length === 0) return new Set<string>();
  const rows = await rawSql()<{ provider_event_id: string }[]>`
    select provider_event_id from events
    where provider = ${provider} and provider_event_id = any(${ids as string[]})`;
  return new Set(rows.map((row) => row.provider_event_id));
}

/**
 * Events of a provider received before `before` that processing has not
 * settled yet: waiting to be claimed, being applied, or due to be retried
 * within `dueWithinSeconds`.
 */
export async function unsettledEventCount({
  provider,
  before,
  dueWithinSeconds,
}: {
  provider: string;
  before: Date;
  dueWithinSeconds: number;
}): Promise<number> {
  const [row] = await rawSql()<{ count: number }[]>`
    select count(*)::int as count from events
    where provider = ${provider} and received_at < ${before.toISOString()}
      and (status in ('pending', 'processing')
        or (status = 'retrying' and next_attempt_at < now() + make_interval(secs => ${dueWithinSeconds})))`;
  return row?.count ?? 0;
}
