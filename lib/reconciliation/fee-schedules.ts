import "server-only";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/db";
import { feeSchedules, type FeeRule } from "@/db/schema";
import { requireRole } from "@/lib/auth/authorize";
import type { Principal } from "@/lib/auth/principal";
import { AppError } from "@/lib/errors";
import { writeAudit } from "@/lib/audit/write";
import { isProviderName, PROVIDERS } from "@/lib/providers/types";

export const feeScheduleInput = z.object({
  rules: z
    .array(
      z.object({
        currency: z
          .string()
          .regex(/^[A-Za-z]{3}$/, "must be a 3-letter ISO currency")
          .transform((value) => value.toLowerCase()),
        percent: z.number().min(0).max(100),
        fixed: z.number().int().min(0),
      }),
    )
    .max(200),
  tolerance: z.number().int().min(0),
});
export type FeeScheduleInput = z.input<typeof feeScheduleInput>;

export type FeeScheduleView = { rules: FeeRule[]; tolerance: number };

function checkProvider(provider: string) {
  if (!isProviderName(provider)) throw new AppError("not_found", `Unknown provider: ${provider}`);
}

/** The provider's schedule; an unset one has no rules (fees are then not checked). */
export async function getFeeSchedule({ provider }: { provider: string }): Promise<FeeScheduleView> {
  checkProvider(provider);
  const [row] = await db.select().from(feeSchedules).where(eq(feeSchedules.provider, provider));
  return row ? { rules: row.rules, tolerance: row.tolerance } : { rules: [], tolerance: 0 };
}

/** Every provider's schedule, for the settings page. */
export async function listFeeSchedules(): Promise<{ provider: string; schedule: FeeScheduleView }[]> {
  return Promise.all(
    PROVIDERS.map(async (provider) => ({ provider, schedule: await getFeeSchedule({ provider }) })),
  );
}

/** Null when no rule is configured: fee checks are skipped rather than flagging every charge. */
export async function feeScheduleForMatching({ provider }: { provider: string }) {
  const schedule = await getFeeSchedule({ provider });
  return schedule.rules.length > 0 ? schedule : null;
}

export async function putFeeSchedule({
  principal,
  provider,
  schedule,
}: {
  principal: Principal;
  provider: string;
  schedule: unknown;
}): Promise<FeeScheduleView> {
  requireRole(principal, "finance");
  checkProvider(provider);
  const parsed = feeScheduleInput.safeParse(schedule);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError("bad_request", `Invalid fee schedule: ${issue.path.join(".")}: ${issue.message}`);
  }
  const value = parsed.data;
  await db.transaction(async (tx) => {
    await tx
      .insert(feeSchedules)
      .values({ provider, rules: value.rules, tolerance: value.tolerance, updatedBy: principal.actor })
      .onConflictDoUpdate({
        target: feeSchedules.provider,
        set: {
          rules: value.rules,
          tolerance: value.tolerance,
          updatedBy: principal.actor,
          updatedAt: new Date(),
        },
      });
    await writeAudit(tx, {
      principal,
      action: "fee_schedule.update",
      target: `fee_schedule:${provider}`,
      details: { rules: value.rules, tolerance: value.tolerance },
    });
  });
  return value;
}
