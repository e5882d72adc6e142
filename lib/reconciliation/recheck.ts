import "server-only";
import { eq } from "drizzle-orm";
import { db } from "@/db";
import { discrepancies, reconciliationRuns } from "@/db/schema";
import { requireRole } from "@/lib/auth/authorize";
import type { Principal } from "@/lib/auth/principal";
import { AppError } from "@/lib/errors";
import { writeAudit } from "@/lib/audit/write";
import { DUPLICATE_WINDOW_SECONDS } from "./checks";
import { runKindChecking } from "./vocabulary";

/**
 * Re-checks one discrepancy now: queues a narrow run around the object's
 * creation time (wide enough to see a duplicate's earlier twin), so the
 * usual matching refreshes or auto-resolves it.
 */
export async function recheckDiscrepancy({ principal, id }: { principal: Principal; id: number }) {
  requireRole(principal, "finance");
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(discrepancies).where(eq(discrepancies.id, id));
    if (!row) throw new AppError("not_found", `No discrepancy ${id}`);
    if (!row.objectCreatedAt)
      throw new AppError("conflict", `Discrepancy ${id} has no provider timestamp to re-check around`);
    const created = row.objectCreatedAt.getTime();
    const from = new Date(created - DUPLICATE_WINDOW_SECONDS * 1000);
    const to = new Date(created + 1000);
    const kind = runKindChecking(row.kind);
    const [run] = await tx
      .insert(reconciliationRuns)
      .values({
        provider: row.provider,
        kind,
        periodFrom: from,
        periodTo: to,
        requestedBy: principal.actor,
        schedule: `recheck:discrepancy:${id}`,
      })
      .returning({ id: reconciliationRuns.id });
    await writeAudit(tx, {
      principal,
      action: "discrepancy.recheck",
      target: `discrepancy:${id}`,
      details: { run_id: run!.id, kind, from: from.toISOString(), to: to.toISOString() },
    });
    return { run_id: run!.id };
  });
}
