"use server";

import { revalidatePath } from "next/cache";
import { requireRole } from "@/lib/auth/authorize";
import { currentPrincipal } from "@/lib/auth/session";
import { isAppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { updateAlertThresholds, type AlertThresholds } from "@/lib/monitoring/settings";

export type ThresholdsResult =
  { ok: true; data: AlertThresholds; message: string } | { ok: false; error: string };

/** Settings → Alert thresholds. Admin only (checked here and again in lib); audited in lib. */
export async function updateAlertThresholdsAction(input: Record<string, unknown>): Promise<ThresholdsResult> {
  try {
    const principal = requireRole(await currentPrincipal(), "admin");
    const data = await updateAlertThresholds({ principal, input });
    revalidatePath("/settings");
    return { ok: true, data, message: "Alert thresholds saved; the next evaluation uses them." };
  } catch (error) {
    if (isAppError(error)) return { ok: false, error: error.message };
    log.error({ err: error }, "saving alert thresholds failed");
    return { ok: false, error: "Something went wrong; the details are in the server log." };
  }
}
