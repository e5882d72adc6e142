import "server-only";
import { eq } from "drizzle-orm";
import type { z } from "zod";
import { db, type Transaction } from "@/db";
import { discrepancies, type Discrepancy } from "@/db/schema";
import { requireRole } from "@/lib/auth/authorize";
import type { Principal } from "@/lib/auth/principal";
import { AppError } from "@/lib/errors";
import { writeAudit } from "@/lib/audit/write";

function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new AppError("bad_request", `Invalid input: ${issue.path.join(".") || "body"}: ${issue.message}`);
  }
  return result.data;
}

/**
 * Every finance action on one discrepancy, in one order: role, input, then a
 * transaction that locks the row (so concurrent actions on it queue up), makes
 * the change and writes its audit row, which therefore commits or rolls back
 * with it. `change` returns what the caller gets and the audit details.
 */
export async function actOnDiscrepancy<S extends z.ZodType, R>({
  principal,
  id,
  input,
  schema,
  action,
  change,
}: {
  principal: Principal;
  id: number;
  input?: unknown;
  schema: S;
  action: string;
  change: (args: {
    tx: Transaction;
    current: Discrepancy;
    input: z.infer<S>;
  }) => Promise<{ result: R; details: Record<string, unknown> }>;
}): Promise<R> {
  requireRole(principal, "finance");
  const parsed = parse(schema, input);
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(discrepancies).where(eq(discrepancies.id, id)).for("update");
    if (!current) throw new AppError("not_found", `No discrepancy ${id}`);
    const { result, details } = await change({ tx, current, input: parsed });
    await writeAudit(tx, { principal, action, target: `discrepancy:${id}`, details });
    return result;
  });
}
