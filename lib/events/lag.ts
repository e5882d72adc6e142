import "server-only";
import { rawSql } from "@/db";

/** The window the REST stats' exact lag percentiles cover. */
export const LAG_WINDOW_MINUTES = 60;

/** Exact receive → processed lag percentiles over the recent window, in milliseconds (recovered events excluded). */
export async function lagPercentiles({ windowMinutes = LAG_WINDOW_MINUTES } = {}) {
  const sql = rawSql();
  const [row] = await sql<{ p50: number | null; p95: number | null; p99: number | null }[]>`
    select
      percentile_cont(0.50) within group (order by lag_ms) as p50,
      percentile_cont(0.95) within group (order by lag_ms) as p95,
      percentile_cont(0.99) within group (order by lag_ms) as p99
    from (
      select extract(epoch from (processed_at - received_at)) * 1000 as lag_ms
      from events
      where processed_at >= now() - make_interval(mins => ${windowMinutes})
        and status = 'processed' and not recovered
    ) recent`;
  const round = (value: number | null | undefined) => (value == null ? null : Math.round(Number(value)));
  return { p50_ms: round(row?.p50), p95_ms: round(row?.p95), p99_ms: round(row?.p99) };
}

/**
 * p95 of receive → processed lag over the last `windowMinutes`, counting
 * events still waiting at their current age, so a stuck worker raises it
 * even though nothing gets processed. Retrying events are left out (their
 * wait is backoff), as are recovered ones.
 */
export async function liveLagP95({ windowMinutes }: { windowMinutes: number }) {
  const sql = rawSql();
  const [row] = await sql<{ p95: number | null; sample: number; oldest_ms: number | null }[]>`
    with lags as (
      select extract(epoch from (processed_at - received_at)) as lag_s, null::timestamptz as waiting_since
      from events
      where processed_at >= now() - make_interval(mins => ${windowMinutes})
        and status = 'processed' and not recovered
      union all
      select extract(epoch from (now() - received_at)), received_at
      from events
      where status in ('pending', 'processing') and not recovered
    )
    select percentile_cont(0.95) within group (order by lag_s)::float8 as p95,
      count(*)::int as sample,
      (extract(epoch from min(waiting_since)) * 1000)::float8 as oldest_ms
    from lags`;
  return {
    p95Seconds: row?.p95 == null ? null : Number(row.p95),
    sample: row?.sample ?? 0,
    oldestWaiting: row?.oldest_ms == null ? null : new Date(Number(row.oldest_ms)),
  };
}
