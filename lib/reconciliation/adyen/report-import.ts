import "server-only";
import { createHash } from "node:crypto";
import { and, asc, eq, gte, lt, or } from "drizzle-orm";
import { z } from "zod";
import { adyenSettlementReports, adyenSettlementRows } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { auditedImport, type ImportRequest } from "@/lib/imports/audited-import";
import { insertInBatches } from "@/lib/imports/batches";
import { insertRows } from "@/lib/imports/bulk-insert";
import { meteredChunks } from "@/lib/imports/upload";
import { parseSettlementReport, type SettlementLine } from "./report-parse";

const options = z
  .object({ from: z.coerce.date().optional(), to: z.coerce.date().optional() })
  .refine((value) => !value.from || !value.to || value.from < value.to, {
    message: "from must be before to",
  });

const DAY = 86_400_000;
const startOfDay = (time: number) => new Date(Math.floor(time / DAY) * DAY);
const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** SHA-256 of the file as text: a byte-order mark does not make it another file. */
function fileHash() {
  const hash = createHash("sha256");
  let first = true;
  return {
    update(chunk: Uint8Array) {
      const skip = first && UTF8_BOM.every((byte, index) => chunk[index] === byte) ? UTF8_BOM.length : 0;
      first = false;
      hash.update(chunk.subarray(skip));
    },
    digest: () => hash.digest("hex"),
  };
}

/**
 * Imports an Adyen settlement details report (CSV) as Adyen's books for the
 * period it covers: `from`/`to` when given, else the UTC days of its first
 * and last lines. Lines stream into one transaction, so a bad line (named by
 * its number) or a repeated file leaves nothing behind. Runs for `adyen`
 * read the reports covering their period.
 */
export async function importAdyenSettlementReport(request: ImportRequest) {
  const { principal, upload } = request;
  return auditedImport({
    ...request,
    role: "finance",
    kind: "adyen_settlement_report",
    schema: options,
    optionsName: "report options",
    emptyMessage: "Send the settlement details report as a CSV body",
    change: async ({ tx, options: { from, to }, tracker }) => {
      const hash = fileHash();
      // Placeholders until the whole file is read; nothing sees them before the commit.
      const [report] = await tx
        .insert(adyenSettlementReports)
        .values({
          coversFrom: new Date(0),
          coversTo: new Date(0),
          sha256: `importing:${tracker.id}`,
          rowCount: 0,
          importedBy: principal.actor,
        })
        .returning({ id: adyenSettlementReports.id });
      const reportId = report!.id;
      let earliest = Infinity;
      let latest = -Infinity;
      const types: Record<string, number> = {};
      const lines = parseSettlementReport(
        meteredChunks(upload.chunks, (chunk) => {
          hash.update(chunk);
          tracker.bytesRead(chunk.byteLength);
        }),
        { onRow: () => tracker.rowRead() },
      );
      const count = await insertInBatches(lines, (batch: SettlementLine[]) => {
        for (const line of batch) {
          earliest = Math.min(earliest, line.createdAt.getTime());
          latest = Math.max(latest, line.createdAt.getTime());
          types[line.type] = (types[line.type] ?? 0) + 1;
        }
        return insertRows(
          tx,
          adyenSettlementRows,
          batch.map((line) => ({ ...line, reportId })),
        );
      });

      await tracker.stage("committing");
      const coversFrom = from ?? (count ? startOfDay(earliest) : null);
      const coversTo = to ?? (count ? new Date(startOfDay(latest).getTime() + DAY) : null);
      if (!coversFrom || !coversTo)
        throw new AppError("bad_request", "The report has no lines; pass from and to for its period");
      if (coversFrom >= coversTo) throw new AppError("bad_request", "from must be before to");
      if (earliest < coversFrom.getTime() || latest >= coversTo.getTime()) {
        const [outside] = await tx
          .select({ lineNo: adyenSettlementRows.lineNo })
          .from(adyenSettlementRows)
          .where(
            and(
              eq(adyenSettlementRows.reportId, reportId),
              or(lt(adyenSettlementRows.createdAt, coversFrom), gte(adyenSettlementRows.createdAt, coversTo)),
            ),
          )
          .orderBy(asc(adyenSettlementRows.lineNo))
          .limit(1);
        throw new AppError(
          "bad_request",
          `Line ${outside!.lineNo} lies outside the period the report covers`,
          {
            line: outside!.lineNo,
          },
        );
      }

      const sha256 = hash.digest();
      const [existing] = await tx
        .select({ id: adyenSettlementReports.id })
        .from(adyenSettlementReports)
        .where(eq(adyenSettlementReports.sha256, sha256));
      if (existing)
        throw new AppError("conflict", `This report was already imported (report ${existing.id})`);
      await tx
        .update(adyenSettlementReports)
        .set({ coversFrom, coversTo, sha256, rowCount: count })
        .where(eq(adyenSettlementReports.id, reportId));
      const coverage = { covers_from: coversFrom.toISOString(), covers_to: coversTo.toISOString() };
      return {
        result: { id: reportId, lines: count, ...coverage },
        audit: {
          action: "adyen_settlement_report.import",
          target: `adyen_settlement_report:${reportId}`,
          details: { lines: count, types, ...coverage },
        },
      };
    },
  });
}
