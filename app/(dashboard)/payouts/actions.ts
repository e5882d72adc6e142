"use server";

import { z } from "zod";
import { importBankStatement } from "@/lib/reconciliation/bank/import";
import { serverAction } from "../server-action";

export const importStatementAction = serverAction(
  {
    role: "finance",
    input: z.object({ csv: z.string(), currency: z.string() }),
    revalidate: () => ["/payouts"],
  },
  async ({ principal, input }) => {
    const result = await importBankStatement({
      principal,
      csv: input.csv,
      options: input.currency ? { currency: input.currency } : {},
    });
    return {
      data: result,
      message: `Imported ${result.deposits} deposits covering ${result.covers_from} to ${result.covers_to}. The next settlement run checks them.`,
    };
  },
);
