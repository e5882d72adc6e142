import "server-only";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { bankDeposits, bankStatements } from "@/db/schema";
import { requireRole } from "@/lib/auth/authorize";
import type { Principal } from "@/lib/auth/principal";
import { AppError, parseOrThrow } from "@/lib/errors";
import { insertInBatches } from "@/lib/imports/batches";
import { insertRows } from "@/lib/imports/bulk-insert";
import { trackImport } from "@/lib/imports/progress";
import { meteredChunks, type Upload } from "@/lib/imports/upload";
import { auditedChange } from "@/lib/audit/mutation";
import { parseDate, parseStatement, type ParsedDeposit } from "./parse";

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
 * Imports a bank statement's credits as deposits, streaming the upload row
 * by row into one transaction: a bad row (named by its line) rolls back
 * everything, so a statement is imported whole or not at all. The statement
 * covers its first to last booking date unless `from`/`to` say otherwise;
 * deposit checks apply only to payouts arriving in a covered period.
 */
export async function importBankStatement({
  principal,
  upload,
  options: rawOptions,
}: {
  principal: Principal;
  upload: Upload;
  options?: unknown;
}) {
  // Checked before the import is recorded at all; auditedChange checks both again as it opens the transaction.
  requireRole(principal, "finance");
  const { currency, from, to, ...columns } = parseOrThrow(options, rawOptions ?? {}, "statement options");
  const fromDate = from ? parseDate(from) : null;
  const toDate = to ? parseDate(to) : null;
  if ((from && !fromDate) || (to && !toDate)) throw new AppError("bad_request", "from and to must be dates");
  if (upload.bytesTotal === 0) throw new AppError("bad_request", "Send the statement as a CSV body");

  return trackImport({ principal, kind: "bank_statement", bytesTotal: upload.bytesTotal }, (tracker) =>
    auditedChange({
      principal,
      role: "finance",
      schema: options,
      input: rawOptions,
      change: async ({ tx }) => {
        // Filled in once the whole file is read; nothing sees it before the commit.
        const [statement] = await tx
          .insert(bankStatements)
          .values({
            coversFrom: "1970-01-01",
            coversTo: "1970-01-01",
            depositCount: 0,
            importedBy: principal.actor,
          })
          .returning({ id: bankStatements.id });
        const statementId = statement!.id;
        let first: string | undefined;
        let last: string | undefined;
        const deposits = parseStatement({
          source: meteredChunks(upload.chunks, (chunk) => tracker.bytesRead(chunk.byteLength)),
          currency,
          columns,
          onRow: () => tracker.rowRead(),
        });
        const count = await insertInBatches(deposits, (batch: ParsedDeposit[]) => {
          for (const { bookedOn } of batch) {
            if (!first || bookedOn < first) first = bookedOn;
            if (!last || bookedOn > last) last = bookedOn;
          }
          return insertRows(
            tx,
            bankDeposits,
            batch.map((deposit) => ({ ...deposit, statementId })),
          );
        });

        await tracker.stage("committing");
        const coversFrom = fromDate ?? first;
        const coversTo = toDate ?? last;
        if (!coversFrom || !coversTo)
          throw new AppError("bad_request", "The statement has no credits; pass from and to for its period");
        if (coversFrom > coversTo) throw new AppError("bad_request", "from must not be after to");
        await tx
          .update(bankStatements)
          .set({ coversFrom, coversTo, depositCount: count })
          .where(eq(bankStatements.id, statementId));
        return {
          result: { id: statementId, deposits: count, covers_from: coversFrom, covers_to: coversTo },
          audit: {
            action: "bank_statement.import",
            target: `bank_statement:${statementId}`,
            details: { deposits: count, covers_from: coversFrom, covers_to: coversTo },
          },
        };
      },
    }),
  );
}
