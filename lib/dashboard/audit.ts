import "server-only";
import { and, desc, eq, gte, ilike, lt, type SQL } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/db";
import { auditLog } from "@/db/schema";

const blankToUndefined = (value: unknown) => (value === "" || value === null ? undefined : value);
const optionalText = (max: number) =>
  z.preprocess(blankToUndefined, z.string().trim().max(max).optional()).catch(undefined);

export const auditQuerySchema = z.object({
  action: optionalText(100),
  actor: optionalText(200),
  target: optionalText(200),
  from: z.preprocess(blankToUndefined, z.coerce.date().optional()).catch(undefined),
  to: z.preprocess(blankToUndefined, z.coerce.date().optional()).catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;

export function parseAuditQuery(params: Record<string, string | string[] | undefined>): AuditQuery {
  const flat = Object.fromEntries(
    Object.entries(params).map(([key, value]) => [key, Array.isArray(value) ? value[0] : value]),
  );
  return auditQuerySchema.parse(flat);
}

const escapeLike = (value: string) => value.replace(/[\\%_]/g, (match) => `\\${match}`);

function conditions(query: AuditQuery): SQL[] {
  const where: SQL[] = [];
  if (query.action) where.push(eq(auditLog.action, query.action));
  // Actors and targets are searched by substring: "user:ana" finds "user:ana@example.com".
  if (query.actor) where.push(ilike(auditLog.actor, `%${escapeLike(query.actor)}%`));
  if (query.target) where.push(ilike(auditLog.target, `%${escapeLike(query.target)}%`));
  if (query.from) where.push(gte(auditLog.at, query.from));
  if (query.to) where.push(lt(auditLog.at, query.to));
  return where;
}

export const AUDIT_PAGE_SIZE = 50;

export async function listAuditPage({ query }: { query: AuditQuery }) {
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(...conditions(query)))
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(AUDIT_PAGE_SIZE + 1)
    .offset((query.page - 1) * AUDIT_PAGE_SIZE);
  return { rows: rows.slice(0, AUDIT_PAGE_SIZE), hasMore: rows.length > AUDIT_PAGE_SIZE };
}

export async function auditActions() {
  const rows = await db
    .selectDistinct({ action: auditLog.action })
    .from(auditLog)
    .orderBy(auditLog.action)
    .limit(200);
  return rows.map((row) => row.action);
}

// CSV exports stop here; narrow the filters for more.
export const AUDIT_EXPORT_LIMIT = 50_000;

const csvCell = (value: unknown): string => {
  let text = value == null ? "" : typeof value === "string" ? value : JSON.stringify(value);
  // Spreadsheet apps run cells starting with these as formulas.
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** The filtered audit log as CSV (RFC 4180), newest first. */
export async function exportAuditCsv({ query }: { query: AuditQuery }): Promise<string> {
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(...conditions(query)))
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(AUDIT_EXPORT_LIMIT);
  const lines = [["id", "at", "actor", "action", "target", "details"].join(",")];
  for (const row of rows) {
    lines.push(
      [row.id, row.at.toISOString(), row.actor, row.action, row.target, row.details].map(csvCell).join(","),
    );
  }
  return lines.join("\r\n") + "\r\n";
}
