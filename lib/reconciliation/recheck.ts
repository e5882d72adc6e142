import "server-only";
import { z } from "zod";
import { reconciliationRuns } from "@/db/schema";
import type { Principal } from "@/lib/auth/principal";
import { AppError } from "@/lib/errors";
import { DUPLICATE_WINDOW_SECONDS } from "./checks";
import { actOnDiscrepancy } from "./discrepancy-action";
import { runKindChecking } from "@/lib/reconciliation-vocabulary";

/**
 * Re-checks one discrepancy now: queues a narrow run around the object's
 * creation time (wide enough to see a duplicate's earlier twin), so the
 * usual matching refreshes or auto-resolves it.
 */
export async function recheckDiscrepancy({ principal, id }: { principal: Principal; id: number }) {
  return actOnDiscrepancy({
    principal,
    id,
    schema: z.object({}),
    action: "discrepancy.recheck",
    change: async ({ tx, current: row }) => {
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
      return {
        result: { run_id: run!.id },
        details: { run_id: run!.id, kind, from: from.toISOString(), to: to.toISOString() },
      };
    },
  });
}
