import "server-only";
import { db } from "@/db";
import { feeSchedules } from "@/db/schema";
import { systemPrincipal } from "@/lib/auth/principal";
import { writeAudit } from "@/lib/ops/audit";
import type { FeeSchedule } from "./business";

/**
 * The sandbox is the provider, so it knows the pricing it charges: it records
 * that as Stripe's contracted fee schedule when none is set, so fee checks
 * flag only the anomalies it plants. An operator's own schedule is never
 * overwritten.
 */
export async function ensureSandboxFeeSchedule({
  currency,
  fee,
  tolerance = 1,
}: {
  currency: string;
  fee: FeeSchedule;
  tolerance?: number;
}): Promise<boolean> {
  const principal = systemPrincipal("sandbox");
  const rules = [{ currency, percent: fee.percent, fixed: fee.fixed }];
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(feeSchedules)
      .values({ provider: "stripe", rules, tolerance, updatedBy: principal.actor })
      .onConflictDoNothing()
      .returning({ provider: feeSchedules.provider });
    if (inserted.length === 0) return false;
    await writeAudit(tx, {
      principal,
      action: "fee_schedule.update",
      target: "fee_schedule:stripe",
      details: { rules, tolerance, source: "sandbox" },
    });
    return true;
  });
}
