import "server-only";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { bankDeposits, bankStatements } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { auditedImport, type ImportRequest } from "@/lib/imports/audited-import";
import { insertInBatches } from "@/lib/imports/batches";
import { insertRows } from "@/lib/imports/bulk-insert";
import { meteredChunks } from "@/lib/imports/upload";
import { parseDate, parseStatement, type ParsedDeposit } from "./parse";

const options = z.object({
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/)
    .optional(),
  from: z.string().transform(calendarDay).optional(),
  to: z.string().transform(calendarDay).optional(),
  date: z.string().max(100).optional(),
  amount: z.string().max(100).optional(),
  credit: z.string().max(100).optional(),
  reference: z.string().max(100).optional(),
  description: z.string().max(100).optional(),
});
export type StatementOptions = z.input<typeof options>;

/** A booking day as YYYY-MM-DD, in any of the formats statements use; empty is no bound. */
function calendarDay(raw: string, context: z.RefinementCtx): string | undefined {
  if (raw === "") return undefined;
  const day = parseDate(raw);
  if (day === null) context.addIssue({ code: "custom", message: "must be a date" });
  return day ?? undefined;
}

/**
 * Imports a bank statement's credits as deposits, streaming the upload row
 * by row into one transaction: a bad row (named by its line) rolls back
 * everything, so a statement is imported whole or not at all. The statement
 * covers its first to last booking date unless `from`/`to` say otherwise;
 * deposit checks apply only to payouts arriving in a covered period.
 */
export async function importBankStatement(request: ImportRequest) {
  const { principal, upload } = request;
  return auditedImport({
    ...request,
    role: "finance",
    kind: "bank_statement",
    schema: options,
    optionsName: "statement options",
    emptyMessage: "Send the statement as a CSV body",
    change: async ({ tx, options: { currency, from, to, ...columns }, tracker }) => {
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
      const coversFrom = from ?? first;
      const coversTo = to ?? last;
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
  });
}
