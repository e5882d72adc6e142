"use server";

import { revalidatePath } from "next/cache";
import { requireRole } from "@/lib/auth/authorize";
import { currentPrincipal } from "@/lib/auth/session";
import { putFeeSchedule } from "@/lib/reconciliation/fee-schedules";
import { runAction } from "../action-result";

export async function saveFeeScheduleAction(input: { provider: string; schedule: unknown }) {
  return runAction(async () => {
    const principal = requireRole(await currentPrincipal(), "finance");
    await putFeeSchedule({ principal, provider: input.provider, schedule: input.schedule });
    revalidatePath("/settings");
    return { data: undefined, message: "Fee schedule saved; the next run checks fees against it." };
  });
}
