import "server-only";
import { rawSql } from "@/db";

/**
 * True when every named table exists. Other domains' tables (reconciliation)
 * may not be migrated yet in every deployment; monitoring then reports nothing for them.
 */
export async function tablesPresent(tables: readonly string[]): Promise<boolean> {
  const sql = rawSql();
  const [row] = await sql<{ present: boolean }[]>`
    select bool_and(to_regclass(name) is not null) as present from unnest(${tables as string[]}::text[]) as name`;
  return row?.present === true;
}
