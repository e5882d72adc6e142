import { and, desc, lt, type SQL } from "drizzle-orm";
import type { AnyPgColumn, PgSelect } from "drizzle-orm/pg-core";
import { AppError } from "@/lib/errors";

/** Opaque keyset cursors: base64url JSON, so clients never build them by hand. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

export function decodeCursor<T>(
  cursor: string | undefined,
  check: (value: unknown) => value is T,
): T | undefined {
  if (!cursor) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (check(value)) return value;
  } catch {
    // fall through
  }
  throw new AppError("bad_request", "Invalid cursor");
}

const isIdCursor = (value: unknown): value is { id: number } =>
  typeof value === "object" && value !== null && typeof (value as { id?: unknown }).id === "number";

/**
 * Newest-first keyset pagination on an id column, so deep pages cost what
 * the first does: the condition for the rows after `cursor` (none for the
 * first page). Fetch `limit + 1` rows ordered by the id descending and cut
 * them with `keysetPage`.
 */
function afterCursor(column: AnyPgColumn, cursor: string | undefined): SQL | undefined {
  const after = decodeCursor(cursor, isIdCursor);
  return after ? lt(column, after.id) : undefined;
}

/** One page of the `limit + 1` rows fetched, and the cursor of the next page (null on the last). */
function keysetPage<T extends { id: number }>(
  rows: T[],
  limit: number,
): { data: T[]; nextCursor: string | null } {
  const data = rows.slice(0, limit);
  return { data, nextCursor: rows.length > limit ? encodeCursor({ id: data.at(-1)!.id }) : null };
}

/**
 * One newest-first page of `query` (a select made `$dynamic()`): the rows
 * matching `where` after `cursor`, skipping `offset` of them (the
 * dashboard's numbered pages), and the next page's cursor.
 */
export async function keysetList<Query extends PgSelect>({
  query,
  id,
  where,
  cursor,
  limit,
  offset = 0,
}: {
  query: Query;
  id: AnyPgColumn;
  where: SQL[];
  cursor?: string;
  limit: number;
  offset?: number;
}): Promise<{ data: Awaited<Query>; nextCursor: string | null }> {
  const rows = (await query
    .where(and(...where, afterCursor(id, cursor)))
    .orderBy(desc(id))
    .limit(limit + 1)
    .offset(offset)) as { id: number }[];
  const page = keysetPage(rows, limit);
  return { data: page.data as Awaited<Query>, nextCursor: page.nextCursor };
}
