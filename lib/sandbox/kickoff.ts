import { systemPrincipal } from "@/lib/auth/principal";
import type { FeeSchedule } from "./business";

/**
 * The sandbox's hand-offs to reconciliation, through its public entry points
 * only. Loaded lazily so sandbox mode starts even if reconciliation fails to
 * load; each returns false when it could not act.
 */

const principal = systemPrincipal("sandbox");

/** Queues a reconciliation run, so the demo shows discrepancies without anyone pressing a button. */
export async function enqueueSandboxReconciliation({ from, to }: { from: Date; to: Date }): Promise<boolean> {
  const { enqueueRun } = await import("@/lib/reconciliation/runs");
  await enqueueRun({ principal, provider: "stripe", from, to, kind: "all" });
  return true;
}

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
  const { getFeeSchedule, putFeeSchedule } = await import("@/lib/reconciliation/fee-schedules");
  const current = await getFeeSchedule({ provider: "stripe" });
  if (current.rules.length > 0) return false;
  await putFeeSchedule({
    principal,
    provider: "stripe",
    schedule: { rules: [{ currency, percent: fee.percent, fixed: fee.fixed }], tolerance },
  });
  return true;
}
