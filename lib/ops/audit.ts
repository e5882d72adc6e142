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
