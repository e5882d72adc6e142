import "server-only";
import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/db";
import { adyenSettlementReports, adyenSettlementRows } from "@/db/schema";
import { requireRole } from "@/lib/auth/authorize";
import type { Principal } from "@/lib/auth/principal";
import { AppError } from "@/lib/errors";
import { writeAudit } from "@/lib/audit/write";
import { parseSettlementReport, ReportFormatError } from "./report-parse";

const options = z
  .object({ from: z.coerce.date().optional(), to: z.coerce.date().optional() })
  .refine((value) => !value.from || !value.to || value.from < value.to, {
    message: "from must be before to",
  });

const DAY = 86_400_000;
const startOfDay = (date: Date) => new Date(Math.floor(date.getTime() / DAY) * DAY);

/**
 * Imports an Adyen settlement details report (CSV) as Adyen's books for the
 * period it covers: `from`/`to` when given, else the UTC days of its first
 * and last lines. Runs for `adyen` read the reports covering their period.
 */
export async function importAdyenSettlementReport({
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
  if (!parsedOptions.success)
    throw new AppError("bad_request", `Invalid report options: ${parsedOptions.error.issues[0]!.message}`);
  if (!csv.trim()) throw new AppError("bad_request", "Send the settlement details report as a CSV body");
  let lines;
  try {
    lines = parseSettlementReport(csv);
  } catch (error) {
    if (error instanceof ReportFormatError) throw new AppError("bad_request", error.message);
    throw error;
  }
  const times = lines.map((line) => line.createdAt.getTime());
  const coversFrom =
    parsedOptions.data.from ?? (times.length ? startOfDay(new Date(Math.min(...times))) : null);
  const coversTo =
    parsedOptions.data.to ??
    (times.length ? new Date(startOfDay(new Date(Math.max(...times))).getTime() + DAY) : null);
  if (!coversFrom || !coversTo)
    throw new AppError("bad_request", "The report has no lines; pass from and to for its period");
  if (coversFrom >= coversTo) throw new AppError("bad_request", "from must be before to");
  const outside = lines.find((line) => line.createdAt < coversFrom || line.createdAt >= coversTo);
  if (outside)
    throw new AppError("bad_request", `Line ${outside.lineNo} lies outside the period the report covers`);
  const sha256 = createHash("sha256").update(csv).digest("hex");

  return db.transaction(async (tx) => {
    const [existing] = await tx
      .select({ id: adyenSettlementReports.id })
      .from(adyenSettlementReports)
      .where(eq(adyenSettlementReports.sha256, sha256));
    if (existing) throw new AppError("conflict", `This report was already imported (report ${existing.id})`);
    const [report] = await tx
      .insert(adyenSettlementReports)
      .values({ coversFrom, coversTo, sha256, rowCount: lines.length, importedBy: principal.actor })
      .returning({ id: adyenSettlementReports.id });
    const reportId = report!.id;
    for (let i = 0; i < lines.length; i += 1000) {
      await tx
        .insert(adyenSettlementRows)
        .values(lines.slice(i, i + 1000).map((line) => ({ ...line, reportId })));
    }
    const types: Record<string, number> = {};
    for (const line of lines) types[line.type] = (types[line.type] ?? 0) + 1;
    await writeAudit(tx, {
      principal,
      action: "adyen_settlement_report.import",
      target: `adyen_settlement_report:${reportId}`,
      details: {
        lines: lines.length,
        types,
        covers_from: coversFrom.toISOString(),
        covers_to: coversTo.toISOString(),
      },
    });
    return {
      id: reportId,
      lines: lines.length,
      covers_from: coversFrom.toISOString(),
      covers_to: coversTo.toISOString(),
    };
  });
}
