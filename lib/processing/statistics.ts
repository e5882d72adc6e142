import "server-only";
import { rawSql } from "@/db";

/** The tables whose rows processing looks up by key in every chunk. */
const LOOKED_UP = ["events", "records", "event_attempts"] as const;

/**
 * How far a table may outgrow the row count its statistics were taken at
 * before it is analysed here: doubling, and at least this many rows.
 */
const GROWTH_FACTOR = 2;
const GROWTH_MIN_ROWS = 1_000;
const LOCK_NOT_AVAILABLE = "55P03";

/**
 * Analyses the tables processing reads by key once they have outgrown their
 * statistics, and returns the ones it analysed.
 *
 * Each connection keeps the plan it made for a prepared statement until the
 * table's statistics change. A plan made while a table held a few rows scans
 * it whole (the cheapest way to read a few pages), and it stays in use while
 * the table grows: on a young database under 300 events/s, the chunk's
 * finish and the payment totals cost 1–3 ms per event, growing with the
 * table, until autovacuum analysed it (it looks at most once a minute).
 * Analysing on doubling makes a fresh plan follow the table; once a table is
 * large, autovacuum's own 10% threshold comes far sooner and this stays idle.
 */
export async function analyzeOutgrownTables(): Promise<string[]> {
  const sql = rawSql();
  const outgrown = await sql<{ name: string }[]>`
    select c.relname as name
    from pg_class c
    join pg_stat_user_tables s on s.relid = c.oid
    where c.relnamespace = current_schema()::regnamespace
      and c.relname in ${sql(LOOKED_UP)}
      and s.n_live_tup >= ${GROWTH_FACTOR} * greatest(c.reltuples, 0) + ${GROWTH_MIN_ROWS}`;
  if (outgrown.length === 0) return [];
  const names = outgrown.map(({ name }) => name);
  try {
    await sql.begin(async (tx) => {
      // Never queue behind autovacuum already working on the table: the next round tries again.
      await tx`select set_config('lock_timeout', '1s', true)`;
      await tx.unsafe(`analyze ${names.map((name) => `"${name}"`).join(", ")}`);
    });
  } catch (error) {
    if ((error as { code?: string }).code === LOCK_NOT_AVAILABLE) return [];
    throw error;
  }
  return names;
}
