import "server-only";
import { desc, eq, gt, or, sql } from "drizzle-orm";
import { db } from "@/db";
import { imports, type Import } from "@/db/schema";
import { requireRole } from "@/lib/auth/authorize";
import type { Principal } from "@/lib/auth/principal";
import type { ImportKind } from "./progress";

/** A running import that has not reported for this long died with its process. */
const STALE_AFTER_MS = 5 * 60_000;
/** Finished imports stay on the page this long, so their outcome can be read. */
const SHOWN_AFTER_FINISH = "1 hour";

export type ImportStatus = "running" | "succeeded" | "failed" | "interrupted";

/** One import as the dashboard shows it (the progress display's props plus what it is about). */
export type ImportProgress = {
  id: number;
  kind: ImportKind;
  label: string;
  status: ImportStatus;
  stage: string;
  done: number;
  total: number | null;
  approximate: boolean;
  elapsedMs: number;
  startedBy: string;
  startedAt: string;
  message: string | null;
};

const KIND_LABELS: Record<ImportKind, string> = {
  bank_statement: "Bank statement",
  adyen_settlement_report: "Adyen settlement report",
};

const STAGE_LABELS: Record<string, string> = {
  reading: "Reading and checking rows",
  committing: "Committing",
  done: "Imported",
  failed: "Failed",
};

function summary(row: Import): string | null {
  if (row.status === "failed") return row.error;
  const result = row.result as Record<string, unknown> | null;
  if (!result) return null;
  const covers = `covering ${String(result.covers_from)} to ${String(result.covers_to)}`;
  if (row.kind === "bank_statement") return `Imported ${String(result.deposits)} deposits ${covers}.`;
  return `Imported ${String(result.lines)} lines ${covers}.`;
}

export function importProgressOf(row: Import, now: Date): ImportProgress {
  const interrupted = row.status === "running" && now.getTime() - row.updatedAt.getTime() > STALE_AFTER_MS;
  const status: ImportStatus = interrupted ? "interrupted" : (row.status as ImportStatus);
  const running = status === "running";
  // Rows in the whole file, estimated from the share of the upload read so far.
  const estimate =
    running && row.stage === "reading" && row.bytesTotal && row.bytesDone > 0 && row.rowsDone > 0
      ? Math.max(row.rowsDone, Math.round((row.rowsDone * row.bytesTotal) / row.bytesDone))
      : null;
  const finished = status === "succeeded" || row.stage === "committing";
  return {
    id: row.id,
    kind: row.kind as ImportKind,
    label: KIND_LABELS[row.kind as ImportKind] ?? row.kind,
    status,
    stage: interrupted ? "Interrupted (its process stopped)" : (STAGE_LABELS[row.stage] ?? row.stage),
    done: row.rowsDone,
    total: finished ? row.rowsDone : estimate,
    approximate: estimate !== null && !finished,
    elapsedMs: Math.max(
      0,
      (row.finishedAt ?? (interrupted ? row.updatedAt : now)).getTime() - row.startedAt.getTime(),
    ),
    startedBy: row.startedBy,
    startedAt: row.startedAt.toISOString(),
    message: interrupted ? "The import stopped before it finished; nothing of it was saved." : summary(row),
  };
}

/** Imports running now and those finished within the last hour, newest first. */
export async function listRecentImports({
  principal,
  limit = 5,
}: {
  principal: Principal | null;
  limit?: number;
}): Promise<ImportProgress[]> {
  requireRole(principal, "viewer");
  const [{ now }] = (await db.execute(sql`select now() as now`)) as unknown as [{ now: string | Date }];
  const rows = await db
    .select()
    .from(imports)
    .where(
      or(eq(imports.status, "running"), gt(imports.finishedAt, sql`now() - ${SHOWN_AFTER_FINISH}::interval`)),
    )
    .orderBy(desc(imports.startedAt))
    .limit(limit);
  return rows.map((row) => importProgressOf(row, new Date(now)));
}
