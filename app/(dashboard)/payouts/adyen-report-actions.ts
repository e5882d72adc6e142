"use server";

import { revalidatePath } from "next/cache";
import { requireRole } from "@/lib/auth/authorize";
import { currentPrincipal } from "@/lib/auth/session";
import { importAdyenSettlementReport } from "@/lib/reconciliation/adyen/report-import";
import { runAction } from "../action-result";

export async function importAdyenReportAction(input: { csv: string }) {
  return runAction(async () => {
    const principal = requireRole(await currentPrincipal(), "finance");
    const result = await importAdyenSettlementReport({ principal, csv: input.csv });
    revalidatePath("/payouts");
    return {
      data: result,
      message: `Imported ${result.lines} lines covering ${result.covers_from} to ${result.covers_to}. Adyen runs for that period now read them.`,
    };
  });
}
