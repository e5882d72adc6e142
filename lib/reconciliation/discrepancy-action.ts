import "server-only";
import { eq } from "drizzle-orm";
import type { z } from "zod";
import type { Transaction } from "@/db";
import { discrepancies, type Discrepancy } from "@/db/schema";
import { auditedChange } from "@/lib/audit/mutation";
import type { Principal } from "@/lib/auth/principal";
import { AppError } from "@/lib/errors";

/**
 * Every finance action on one discrepancy: an audited change (lib/audit)
 * whose transaction first locks the row, so concurrent actions on it queue
 * up. `change` returns what the caller gets and the audit details.
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
  return auditedChange({
    principal,
    role: "finance",
    schema,
    input,
    change: async ({ tx, input: parsed }) => {
      const [current] = await tx.select().from(discrepancies).where(eq(discrepancies.id, id)).for("update");
      if (!current) throw new AppError("not_found", `No discrepancy ${id}`);
      const { result, details } = await change({ tx, current, input: parsed });
      return { result, audit: { action, target: `discrepancy:${id}`, details } };
    },
  });
}
