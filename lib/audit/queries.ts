import "server-only";
import { eq, gte, lt, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { z } from "zod";
import { db } from "@/db";
import { auditLog, type AuditEntry } from "@/db/schema";
import { toCsv } from "@/lib/csv";
import { keysetList } from "@/lib/http/cursor";

/**
 * The audit log's filters, the same for the REST API, the audit page and its
 * CSV export. `action` matches exactly; `actor` and `target` match whole
 * words anywhere, case-insensitively: `event:5` finds event 5 but not event
 * 50, `ana@` finds user:ana@example.com.
 */
export const auditFiltersSchema = z.object({
  action: z.string().trim().max(100).optional(),
  actor: z.string().trim().max(200).optional(),
  target: z.string().trim().max(200).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
});
export type AuditFilters = z.infer<typeof auditFiltersSchema>;

/** The REST API's query: the filters plus a keyset page. */
export const auditListSchema = auditFiltersSchema.extend({
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  cursor: z.string().max(500).optional(),
});

/** The audit page's URL: the filters plus a page number. */
export const auditPageSchema = auditFiltersSchema.extend({
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});

export const AUDIT_PAGE_SIZE = 50;
// CSV exports stop here; narrow the filters for more.
export const AUDIT_EXPORT_LIMIT = 50_000;

// A character that cannot be part of a word, in PostgreSQL's regular expressions.
const NOT_WORD = "[^[:alnum:]_]";
const escapeRegex = (value: string) => value.replace(/[\\^$.|?*+()[\]{}]/g, (match) => `\\${match}`);

/** `value` as a whole-word match: bounded on each side where the value itself starts or ends a word. */
function wordMatch(column: AnyPgColumn, value: string): SQL {
  const before = /^\w/.test(value) ? `(^|${NOT_WORD})` : "";
  const after = /\w$/.test(value) ? `($|${NOT_WORD})` : "";
  return sql`${column} ~* ${before + escapeRegex(value) + after}`;
}

function conditions(filters: AuditFilters): SQL[] {
  const where: SQL[] = [];
  if (filters.action) where.push(eq(auditLog.action, filters.action));
  if (filters.actor) where.push(wordMatch(auditLog.actor, filters.actor));
  if (filters.target) where.push(wordMatch(auditLog.target, filters.target));
  if (filters.from) where.push(gte(auditLog.at, filters.from));
  if (filters.to) where.push(lt(auditLog.at, filters.to));
  return where;
}

/**
 * The audit log's one reader: newest first, filtered, one page either after
 * a keyset cursor (the API) or at an offset (the page's numbered pages).
 */
export async function listAudit({
  filters,
  limit,
  cursor,
  offset = 0,
}: {
  filters: AuditFilters;
  limit: number;
  cursor?: string;
  offset?: number;
}): Promise<{ data: AuditEntry[]; nextCursor: string | null }> {
  return keysetList({
    query: db.select().from(auditLog).$dynamic(),
    id: auditLog.id,
    where: conditions(filters),
    cursor,
    limit,
    offset,
  });
}

/** The actions recorded so far, for the page's filter drop-down. */
export async function auditActions() {
  const rows = await db
    .selectDistinct({ action: auditLog.action })
    .from(auditLog)
    .orderBy(auditLog.action)
    .limit(200);
  return rows.map((row) => row.action);
}

/** The filtered audit log as CSV, newest first. */
export async function exportAuditCsv({ filters }: { filters: AuditFilters }): Promise<string> {
  const { data } = await listAudit({ filters, limit: AUDIT_EXPORT_LIMIT });
  return toCsv([
    ["id", "at", "actor", "action", "target", "details"],
    ...data.map((row) => [row.id, row.at, row.actor, row.action, row.target, row.details]),
  ]);
}

export function serializeAudit(entry: AuditEntry) {
  return {
    id: entry.id,
    actor: entry.actor,
    action: entry.action,
    target: entry.target,
    details: entry.details,
    at: entry.at.toISOString(),
  };
}
