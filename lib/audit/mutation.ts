import "server-only";
import type { z } from "zod";
import { db, type Transaction } from "@/db";
import { requireRole } from "@/lib/auth/authorize";
import type { Principal } from "@/lib/auth/principal";
import type { Role } from "@/lib/auth/roles";
import { parseOrThrow } from "@/lib/errors";
import { writeAudit, writeAuditForEach } from "./write";

/** An audit row to write: one target, or one row per target for a bulk change. */
export type AuditNote = { action: string; details?: Record<string, unknown> } & (
  { target?: string } | { targets: string[] }
);

/**
 * A change made on someone's behalf, in the fixed order: check the role →
 * validate the input (zod) → one transaction that makes the change → its
 * audit rows in that same transaction, so both commit or neither does.
 * `change` returns the caller's result and what to audit (null when it
 * changed nothing).
 */
export async function auditedChange<S extends z.ZodType, R>({
  principal,
  role,
  schema,
  input,
  inputName,
  change,
}: {
  principal: Principal | null | undefined;
  role: Role;
  schema: S;
  input: unknown;
  /** How a validation error names the input ("run"); "input" when unset. */
  inputName?: string;
  change: (context: {
    tx: Transaction;
    input: z.output<S>;
    principal: Principal;
  }) => Promise<{ result: R; audit: AuditNote | AuditNote[] | null }>;
}): Promise<R> {
  const actor = requireRole(principal, role);
  const parsed = parseOrThrow(schema, input ?? {}, inputName);
  return db.transaction(async (tx) => {
    const { result, audit } = await change({ tx, input: parsed, principal: actor });
    for (const note of audit === null ? [] : [audit].flat()) {
      if ("targets" in note) await writeAuditForEach(tx, { principal: actor, ...note });
      else await writeAudit(tx, { principal: actor, ...note });
    }
    return result;
  });
}
