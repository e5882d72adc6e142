import "server-only";
import { getTableColumns, getTableName, sql, type InferInsertModel } from "drizzle-orm";
import { toSnakeCase } from "drizzle-orm/casing";
import type { PgTable } from "drizzle-orm/pg-core";
import type { Executor } from "@/db";

/**
 * Inserts many rows as one JSON parameter unpacked by jsonb_to_recordset.
 * Drizzle's multi-row insert builds a statement with a parameter per value
 * (5,000 for a thousand deposits) and spends more time on that than
 * PostgreSQL spends inserting; one JSON document is about three times faster
 * for the same rows, which counts over a million of them. Every row must set
 * the same columns (the first row's).
 */
export async function insertRows<T extends PgTable>(tx: Executor, table: T, rows: InferInsertModel<T>[]) {
  if (rows.length === 0) return;
  const columns = Object.entries(getTableColumns(table)).filter(([key]) => key in rows[0]!);
  const names = columns.map(([, column]) => toSnakeCase(column.name));
  const records = rows.map((row) =>
    Object.fromEntries(
      columns.map(([key], index) => [names[index], (row as Record<string, unknown>)[key] ?? null]),
    ),
  );
  const list = sql.join(
    names.map((name) => sql.identifier(name)),
    sql`, `,
  );
  const definition = sql.raw(
    columns.map(([, column], index) => `"${names[index]}" ${column.getSQLType()}`).join(", "),
  );
  await tx.execute(
    sql`insert into ${sql.identifier(getTableName(table))} (${list}) select ${list} from jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as r(${definition})`,
  );
}
