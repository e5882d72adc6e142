import "server-only";
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/db";
import { alertSettings, type AlertSettings } from "@/db/schema";
import { auditedChange } from "@/lib/audit/mutation";
import type { Principal } from "@/lib/auth/principal";

export type AlertThresholds = Omit<AlertSettings, "id" | "updatedBy" | "updatedAt">;

export const DEFAULT_THRESHOLDS: AlertThresholds = {
  lagThresholdSeconds: 60,
  rejectedPerMinute: 10,
  silentWorkerSeconds: 60,
  deadLetterWindowMinutes: 15,
  ackFailureThreshold: 5,
  ackFailureWindowMinutes: 15,
  cooldownMinutes: 15,
};

const bounded = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const thresholdsInput = z
  .object({
    lagThresholdSeconds: bounded(1, 86_400),
    rejectedPerMinute: bounded(0, 1_000_000),
    silentWorkerSeconds: bounded(15, 86_400),
    deadLetterWindowMinutes: bounded(1, 10_080),
    ackFailureThreshold: bounded(1, 1_000_000),
    ackFailureWindowMinutes: bounded(1, 1_440),
    cooldownMinutes: bounded(0, 10_080),
  })
  .strict();

/** The thresholds in force: the stored row, or the defaults when nobody has edited them. */
export async function getAlertThresholds(): Promise<AlertThresholds & { updatedBy: string | null }> {
  const [row] = await db.select().from(alertSettings).where(eq(alertSettings.id, 1));
  if (!row) return { ...DEFAULT_THRESHOLDS, updatedBy: null };
  const { id: _id, updatedAt: _at, ...thresholds } = row;
  return thresholds;
}

/** Admin-only: replaces the thresholds, audited with the before and after values. */
export async function updateAlertThresholds({
  principal,
  input,
}: {
  principal: Principal | null | undefined;
  input: unknown;
}): Promise<AlertThresholds> {
  return auditedChange({
    principal,
    role: "admin",
    schema: thresholdsInput,
    input,
    change: async ({ tx, input: next, principal: actor }) => {
      const [before] = await tx.select().from(alertSettings).where(eq(alertSettings.id, 1)).for("update");
      await tx
        .insert(alertSettings)
        .values({ id: 1, ...next, updatedBy: actor.actor })
        .onConflictDoUpdate({
          target: alertSettings.id,
          set: { ...next, updatedBy: actor.actor, updatedAt: sql`now()` },
        });
      const previous = before
        ? Object.fromEntries(Object.keys(next).map((key) => [key, before[key as keyof AlertThresholds]]))
        : DEFAULT_THRESHOLDS;
      return {
        result: next,
        audit: {
          action: "alerts.thresholds_updated",
          target: "alert_settings",
          details: { before: previous, after: next },
        },
      };
    },
  });
}
