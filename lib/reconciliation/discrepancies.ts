import "server-only";
import { and, asc, desc, eq, inArray, type SQL } from "drizzle-orm";
import { db } from "@/db";
import {
  DISCREPANCY_KINDS,
  DISCREPANCY_STATUSES,
  discrepancies,
  discrepancyComments,
  discrepancySightings,
  type Discrepancy,
  type DiscrepancyKind,
  type DiscrepancyStatus,
} from "@/db/schema";
import { AppError } from "@/lib/errors";
import { keysetList } from "@/lib/http/cursor";

export type DiscrepancyFilters = {
  runId?: number;
  kind?: string;
  status?: string;
  provider?: string;
  assignee?: string;
  objectId?: string;
};

export function discrepancyView(row: Discrepancy) {
  return {
    id: row.id,
    kind: row.kind,
    provider: row.provider,
    object_id: row.objectId,
    object_type: row.objectType,
    object_created_at: row.objectCreatedAt?.toISOString() ?? null,
    expected_amount: row.expectedAmount,
    actual_amount: row.actualAmount,
    currency: row.currency,
    amount_at_risk: row.amountAtRisk,
    expected: row.expected,
    actual: row.actual,
    details: row.details,
    status: row.status,
    assignee: row.assignee,
    resolution: row.resolution,
    resolution_note: row.resolutionNote,
    resolved_by: row.resolvedBy,
    resolved_at: row.resolvedAt?.toISOString() ?? null,
    first_run_id: row.firstRunId,
    last_run_id: row.lastRunId,
    first_seen_at: row.firstSeenAt.toISOString(),
    last_seen_at: row.lastSeenAt.toISOString(),
  };
}
export type DiscrepancyView = ReturnType<typeof discrepancyView>;

const isKind = (value: string): value is DiscrepancyKind =>
  (DISCREPANCY_KINDS as readonly string[]).includes(value);
const isStatus = (value: string): value is DiscrepancyStatus =>
  (DISCREPANCY_STATUSES as readonly string[]).includes(value);

function conditions(filters: DiscrepancyFilters): SQL[] {
  const where: SQL[] = [];
  if (filters.kind) {
    if (!isKind(filters.kind)) throw new AppError("bad_request", `Unknown discrepancy kind: ${filters.kind}`);
    where.push(eq(discrepancies.kind, filters.kind));
  }
  if (filters.status) {
    if (!isStatus(filters.status)) throw new AppError("bad_request", `Unknown status: ${filters.status}`);
    where.push(eq(discrepancies.status, filters.status));
  }
  if (filters.provider) where.push(eq(discrepancies.provider, filters.provider));
  if (filters.assignee) where.push(eq(discrepancies.assignee, filters.assignee));
  if (filters.objectId) where.push(eq(discrepancies.objectId, filters.objectId));
  if (filters.runId)
    where.push(
      inArray(
        discrepancies.id,
        db
          .select({ id: discrepancySightings.discrepancyId })
          .from(discrepancySightings)
          .where(eq(discrepancySightings.runId, filters.runId)),
      ),
    );
  return where;
}

/** Newest first, keyset-paginated. */
export async function listDiscrepancies({
  limit = 50,
  cursor,
  offset = 0,
  ...filters
}: DiscrepancyFilters & { limit?: number; cursor?: string; offset?: number }) {
  const page = await keysetList({
    query: db.select().from(discrepancies).$dynamic(),
    id: discrepancies.id,
    where: conditions(filters),
    cursor,
    limit,
    offset,
  });
  return { data: page.data.map(discrepancyView), next_cursor: page.nextCursor };
}

/** Every matching discrepancy, for CSV export (bounded so an export cannot exhaust memory). */
export async function exportDiscrepancies(filters: DiscrepancyFilters & { max?: number }) {
  const where = conditions(filters);
  const rows = await db
    .select()
    .from(discrepancies)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(discrepancies.id))
    .limit(filters.max ?? 100_000);
  return rows.map(discrepancyView);
}

export async function getDiscrepancy({ id }: { id: number }) {
  const [row] = await db.select().from(discrepancies).where(eq(discrepancies.id, id));
  if (!row) throw new AppError("not_found", `No discrepancy ${id}`);
  const comments = await db
    .select()
    .from(discrepancyComments)
    .where(eq(discrepancyComments.discrepancyId, id))
    .orderBy(asc(discrepancyComments.at), asc(discrepancyComments.id));
  const runs = await db
    .select({ runId: discrepancySightings.runId, seenAt: discrepancySightings.seenAt })
    .from(discrepancySightings)
    .where(eq(discrepancySightings.discrepancyId, id))
    .orderBy(desc(discrepancySightings.runId))
    .limit(50);
  return {
    ...discrepancyView(row),
    comments: comments.map((comment) => ({
      id: comment.id,
      author: comment.author,
      body: comment.body,
      at: comment.at.toISOString(),
    })),
    runs: runs.map((run) => ({ run_id: run.runId, seen_at: run.seenAt.toISOString() })),
  };
}
