import type postgres from "postgres";

type Row = {
  key: string;
  query: string;
  calls: number;
  exec_ms: number;
  rows: number;
  wal_bytes: number;
  wal_fpi: number;
};

export type StatementCost = Omit<Row, "key">;

/** pg_stat_statements now, keyed by statement (the bench server preloads it; see database.ts). */
export async function statementsNow(sql: postgres.Sql): Promise<Map<string, Row>> {
  const rows = await sql<Row[]>`
    select queryid::text || ':' || dbid::text as key, query, calls::float8 as calls,
      total_exec_time::float8 as exec_ms, rows::float8 as rows,
      wal_bytes::float8 as wal_bytes, wal_fpi::float8 as wal_fpi
    from pg_stat_statements`.catch(() => []);
  return new Map(rows.map((row) => [row.key, row]));
}

/** What each statement cost since `before`, most execution time first. */
export async function statementsSince(sql: postgres.Sql, before: Map<string, Row>): Promise<StatementCost[]> {
  const after = await statementsNow(sql);
  const costs: StatementCost[] = [];
  for (const [key, row] of after) {
    const earlier = before.get(key);
    const calls = row.calls - (earlier?.calls ?? 0);
    if (calls <= 0) continue;
    costs.push({
      query: row.query,
      calls,
      exec_ms: row.exec_ms - (earlier?.exec_ms ?? 0),
      rows: row.rows - (earlier?.rows ?? 0),
      wal_bytes: row.wal_bytes - (earlier?.wal_bytes ?? 0),
      wal_fpi: row.wal_fpi - (earlier?.wal_fpi ?? 0),
    });
  }
  return costs.sort((a, b) => b.exec_ms - a.exec_ms);
}

/** A statement's text, shortened to one readable line for a table cell. */
export function statementLabel(query: string, length = 70): string {
  const line = query.replace(/\s+/g, " ").trim();
  return line.length > length ? `${line.slice(0, length - 1)}…` : line;
}

/** Text as inline code in a Markdown table cell. */
export const code = (text: string) => `\`${text.replace(/\|/g, "\\|")}\``;
