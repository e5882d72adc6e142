"use server";

import { revalidatePath } from "next/cache";
import { requireRole } from "@/lib/auth/authorize";
import { currentPrincipal } from "@/lib/auth/session";
import { importBankStatement } from "@/lib/reconciliation/bank/import";
import { runAction } from "../action-result";

export async function importStatementAction(input: { csv: string; currency: string }) {
  return runAction(async () => {
    const principal = requireRole(await currentPrincipal(), "finance");
    const result = await importBankStatement({
      principal,
      csv: input.csv,
      options: input.currency ? { currency: input.currency } : {},
    });
    revalidatePath("/payouts");
    return {
      data: result,
      message: `Imported ${result.deposits} deposits covering ${result.covers_from} to ${result.covers_to}. The next settlement run checks them.`,
    };
  });
}
