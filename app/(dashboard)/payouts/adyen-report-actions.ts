"use server";

import { z } from "zod";
import { importAdyenSettlementReport } from "@/lib/reconciliation/adyen/report-import";
import { serverAction } from "../server-action";

export const importAdyenReportAction = serverAction(
  { role: "finance", input: z.object({ csv: z.string() }), revalidate: () => ["/payouts"] },
  async ({ principal, input }) => {
    const result = await importAdyenSettlementReport({ principal, csv: input.csv });
    return {
      data: result,
      message: `Imported ${result.lines} lines covering ${result.covers_from} to ${result.covers_to}. Adyen runs for that period now read them.`,
    };
  },
);
