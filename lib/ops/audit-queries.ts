import "server-only";
import { and, desc, eq, gte, lt, type SQL } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/db";
import { auditLog, type AuditEntry } from "@/db/schema";
import { decodeCursor, encodeCursor } from "@/lib/http/cursor";

export const auditFiltersSchema = z.object({
  action: z.string().max(100).optional(),
  actor: z.string().max(200).optional(),
  target: z.string().max(200).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  cursor: z.string().max(500).optional(),
});
export type AuditFilters = z.input<typeof auditFiltersSchema>;

const isIdCursor = (value: unknown): value is { id: number } =>
  typeof value === "object" && value !== null && typeof (value as { id?: unknown }).id === "number";

/** Newest first, keyset-paginated. */
export async function listAudit(input: AuditFilters = {}) {
  const filters = auditFiltersSchema.parse(input);
  const conditions: SQL[] = [];
  if (filters.action) conditions.push(eq(auditLog.action, filters.action));
  if (filters.actor) conditions.push(eq(auditLog.actor, filters.actor));
  if (filters.target) conditions.push(eq(auditLog.target, filters.target));
  if (filters.from) conditions.push(gte(auditLog.at, filters.from));
  if (filters.to) conditions.push(lt(auditLog.at, filters.to));
  const cursor = decodeCursor(filters.cursor, isIdCursor);
  if (cursor) conditions.push(lt(auditLog.id, cursor.id));
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.id))
    .limit(filters.limit + 1);
  const page = rows.slice(0, filters.limit);
  const last = page.at(-1);
  return {
    data: page,
    nextCursor: rows.length > filters.limit && last ? encodeCursor({ id: last.id }) : null,
  };
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
