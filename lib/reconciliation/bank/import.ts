import "server-only";
import { z } from "zod";
import { db } from "@/db";
import { bankDeposits, bankStatements } from "@/db/schema";
import { requireRole } from "@/lib/auth/authorize";
import type { Principal } from "@/lib/auth/principal";
import { AppError } from "@/lib/errors";
import { writeAudit } from "@/lib/audit/write";
import { parseDate, parseStatement } from "./parse";

const options = z.object({
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/)
    .optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  date: z.string().max(100).optional(),
  amount: z.string().max(100).optional(),
  credit: z.string().max(100).optional(),
  reference: z.string().max(100).optional(),
  description: z.string().max(100).optional(),
});
export type StatementOptions = z.input<typeof options>;

/**
 * Imports a bank statement's credits as deposits. The statement covers its
 * first to last booking date unless `from`/`to` say otherwise; deposit checks
 * apply only to payouts arriving in a covered period.
 */
export async function importBankStatement({
  principal,
  csv,
  options: rawOptions,
}: {
  principal: Principal;
  csv: string;
  options?: unknown;
}) {
  requireRole(principal, "finance");
  const parsedOptions = options.safeParse(rawOptions ?? {});
  if (!parsedOptions.success) throw new AppError("bad_request", "Invalid statement options");
  const { currency, from, to, ...columns } = parsedOptions.data;
  if (!csv.trim()) throw new AppError("bad_request", "Send the statement as a CSV body");
  const deposits = parseStatement({ csv, currency, columns });
  const dates = deposits.map((deposit) => deposit.bookedOn).sort();
  const coversFrom = (from && parseDate(from)) || dates[0];
  const coversTo = (to && parseDate(to)) || dates.at(-1);
  if (!coversFrom || !coversTo)
    throw new AppError("bad_request", "The statement has no credits; pass from and to for its period");
  if (coversFrom > coversTo) throw new AppError("bad_request", "from must not be after to");

  return db.transaction(async (tx) => {
    const [statement] = await tx
      .insert(bankStatements)
      .values({ coversFrom, coversTo, depositCount: deposits.length, importedBy: principal.actor })
      .returning({ id: bankStatements.id });
    for (let i = 0; i < deposits.length; i += 1000) {
      await tx
        .insert(bankDeposits)
        .values(deposits.slice(i, i + 1000).map((deposit) => ({ ...deposit, statementId: statement!.id })));
    }
    await writeAudit(tx, {
      principal,
      action: "bank_statement.import",
      target: `bank_statement:${statement!.id}`,
      details: { deposits: deposits.length, covers_from: coversFrom, covers_to: coversTo },
    });
    return { id: statement!.id, deposits: deposits.length, covers_from: coversFrom, covers_to: coversTo };
  });
}
