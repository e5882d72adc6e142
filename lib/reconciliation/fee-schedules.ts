import "server-only";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/db";
import { feeSchedules, type FeeRule } from "@/db/schema";
import { auditedChange } from "@/lib/audit/mutation";
import type { Principal } from "@/lib/auth/principal";
import { AppError } from "@/lib/errors";
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
  return auditedChange({
    principal,
    role: "finance",
    schema: feeScheduleInput,
    input: schedule,
    change: async ({ tx, input: value, principal: actor }) => {
      checkProvider(provider);
      const row = { rules: value.rules, tolerance: value.tolerance, updatedBy: actor.actor };
      await tx
        .insert(feeSchedules)
        .values({ provider, ...row })
        .onConflictDoUpdate({ target: feeSchedules.provider, set: { ...row, updatedAt: new Date() } });
      return {
        result: value,
        audit: {
          action: "fee_schedule.update",
          target: `fee_schedule:${provider}`,
          details: { rules: value.rules, tolerance: value.tolerance },
        },
      };
    },
  });
}
