import "server-only";
import { auditLog } from "@/db/schema";
import type { Executor } from "@/db";
import type { Principal } from "@/lib/auth/principal";

/**
 * Records who did what to what, and why. Always called with the transaction
 * that makes the change, so the change and its audit row commit together.
 */
export async function writeAudit(
  executor: Executor,
  entry: { principal: Principal; action: string; target?: string; details?: Record<string, unknown> },
) {
  await executor.insert(auditLog).values({
    actor: entry.principal.actor,
    action: entry.action,
    target: entry.target ?? null,
    details: entry.details ?? {},
  });
}

/** One audit row per target in a single insert, so a bulk action is findable by any of its targets. */
export async function writeAuditForEach(
  executor: Executor,
  entry: { principal: Principal; action: string; targets: string[]; details?: Record<string, unknown> },
) {
  if (entry.targets.length === 0) return;
  await executor.insert(auditLog).values(
    entry.targets.map((target) => ({
      actor: entry.principal.actor,
      action: entry.action,
      target,
      details: entry.details ?? {},
    })),
  );
}
