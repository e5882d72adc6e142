import type postgres from "postgres";

export type PgWindow = {
  /** Backend-samples per wait ("CPU" when a backend was running), across all sampled moments. */
  waits: Record<string, number>;
  samples: number;
  checkpoints: { timed: number; requested: number; writeMs: number; syncMs: number; buffers: number };
  wal: { bytes: number; fsyncs: number; fsyncMs: number; writeMs: number };
  /** Autovacuum and autoanalyze runs that started on the events table. */
  autovacuum: number;
  /** Per half second: WAL written, backend-samples waiting for a WAL flush, autovacuum at work. */
  timeline: { walBytes: number; fullPages: number; flushWaits: number; vacuuming: string }[];
};

const SLICE_MS = 500;

type Counters = {
  timed: number;
  requested: number;
  write_ms: number;
  sync_ms: number;
  buffers: number;
  wal_bytes: number;
  fsyncs: number;
  fsync_ms: number;
  wal_write_ms: number;
  vacuums: number;
};

async function counters(sql: postgres.Sql): Promise<Counters> {
  const [row] = await sql<Counters[]>`
    select
      c.num_timed::float8 as timed, c.num_requested::float8 as requested,
      c.write_time::float8 as write_ms, c.sync_time::float8 as sync_ms, c.buffers_written::float8 as buffers,
      (select wal_bytes::float8 from pg_stat_wal) as wal_bytes,
      (select coalesce(sum(fsyncs), 0)::float8 from pg_stat_io where object = 'wal') as fsyncs,
      (select coalesce(sum(fsync_time), 0)::float8 from pg_stat_io where object = 'wal') as fsync_ms,
      (select coalesce(sum(write_time), 0)::float8 from pg_stat_io where object = 'wal') as wal_write_ms,
      (select (coalesce(autovacuum_count, 0) + coalesce(autoanalyze_count, 0))::float8
         from pg_stat_user_tables where relname = 'events') as vacuums
    from pg_stat_checkpointer c`;
  return row!;
}

/**
 * Watches PostgreSQL through a phase: what every backend was waiting on
 * (pg_stat_activity every `intervalMs`), checkpoints and their write and
 * sync time, WAL fsyncs and their time (track_wal_io_timing), autovacuum.
 * Counters are snapshots, so call `stop` once the phase's work is done.
 */
export async function watchPostgres(sql: postgres.Sql, intervalMs = 50) {
  const before = await counters(sql);
  const waits: Record<string, number> = {};
  const timeline: PgWindow["timeline"] = [];
  let samples = 0;
  let sampling = true;
  const started = performance.now();
  let lastLsn: string | null = null;
  let lastFpi: number | null = null;
  const loop = (async () => {
    while (sampling) {
      // The WAL position on its own, so a sample with no backend busy still places the WAL in time.
      const [position] = await sql<{ lsn: string; fpi: number }[]>`
        select pg_current_wal_insert_lsn()::text as lsn,
          -- Full-page images: the first change to each page after a checkpoint logs the whole page.
          (select wal_fpi::float8 from pg_stat_wal) as fpi`.catch(() => []);
      const rows = await sql<{ wait: string; n: number; vacuum: string | null }[]>`
        select
          case when backend_type = 'client backend' then '' else backend_type || ': ' end
            || coalesce(wait_event_type || ':' || wait_event, 'CPU') as wait,
          count(*)::int as n,
          (select string_agg(distinct substring(query from 'autovacuum: ([A-Z ]+ [a-z_.]+)'), ', ')
             from pg_stat_activity where backend_type = 'autovacuum worker') as vacuum
        from pg_stat_activity
        where pid <> pg_backend_pid()
          and (backend_type <> 'client backend' or state = 'active')
          and coalesce(wait_event_type, '') not in ('Activity')
        group by 1`.catch(() => []);
      samples++;
      const slice = (timeline[Math.floor((performance.now() - started) / SLICE_MS)] ??= {
        walBytes: 0,
        fullPages: 0,
        flushWaits: 0,
        vacuuming: "",
      });
      for (const { wait, n, vacuum } of rows) {
        waits[wait] = (waits[wait] ?? 0) + n;
        if (/WalSync|WALWrite/.test(wait)) slice.flushWaits += n;
        if (vacuum && !slice.vacuuming.includes(vacuum)) slice.vacuuming = vacuum;
      }
      if (position) {
        if (lastLsn !== null) slice.walBytes += lsnBytes(position.lsn) - lsnBytes(lastLsn);
        if (lastFpi !== null) slice.fullPages += position.fpi - lastFpi;
        lastLsn = position.lsn;
        lastFpi = position.fpi;
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    async stop(): Promise<PgWindow> {
      sampling = false;
      await loop;
      const after = await counters(sql);
      const delta = (key: keyof Counters) => after[key] - before[key];
      return {
        waits,
        samples,
        checkpoints: {
          timed: delta("timed"),
          requested: delta("requested"),
          writeMs: delta("write_ms"),
          syncMs: delta("sync_ms"),
          buffers: delta("buffers"),
        },
        wal: {
          bytes: delta("wal_bytes"),
          fsyncs: delta("fsyncs"),
          fsyncMs: delta("fsync_ms"),
          writeMs: delta("wal_write_ms"),
        },
        autovacuum: delta("vacuums"),
        timeline: Array.from(
          timeline,
          (slice) => slice ?? { walBytes: 0, fullPages: 0, flushWaits: 0, vacuuming: "" },
        ),
      };
    },
  };
}

/** The most frequent waits, as "name 40%" over all backend-samples. */
export function topWaits(window: PgWindow, count = 4): string {
  const total = Object.values(window.waits).reduce((sum, n) => sum + n, 0);
  if (total === 0) return "idle";
  return Object.entries(window.waits)
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, n]) => `${name} ${Math.round((100 * n) / total)}%`)
    .join(", ");
}

/** A WAL position ("16/B374D848") as a byte offset. */
function lsnBytes(lsn: string): number {
  const [high, low] = lsn.split("/");
  return parseInt(high!, 16) * 2 ** 32 + parseInt(low!, 16);
}
