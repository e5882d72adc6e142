"use server";

import { revalidatePath } from "next/cache";
import { requireRole } from "@/lib/auth/authorize";
import { currentPrincipal } from "@/lib/auth/session";
import { createToken, revokeToken } from "@/lib/auth/token-admin";
import { createUser, updateUser } from "@/lib/auth/users";
import { updateAlertThresholds } from "@/lib/monitoring/settings";
import { putFeeSchedule } from "@/lib/reconciliation/fee-schedules";
import { runAction } from "../action-result";

// Each action checks the admin role itself; the lib functions check it again.

export async function createUserAction(input: { email: string; password: string; role: string }) {
  return runAction(async () => {
    const principal = requireRole(await currentPrincipal(), "admin");
    const user = await createUser({ principal, input });
    revalidatePath("/settings");
    return { data: { id: user.id }, message: `Created ${user.email} (${user.role}).` };
  });
}

export async function updateUserAction(input: { userId: number; role?: string; disabled?: boolean }) {
  return runAction(async () => {
    const principal = requireRole(await currentPrincipal(), "admin");
    const user = await updateUser({ principal, input });
    revalidatePath("/settings");
    return { data: { id: user.id }, message: `Updated ${user.email}.` };
  });
}

export async function createTokenAction(input: { name: string; role: string }) {
  return runAction(async () => {
    const principal = requireRole(await currentPrincipal(), "admin");
    const created = await createToken({ principal, input });
    revalidatePath("/settings");
    return { data: created, message: "Copy the token now: it is not shown again." };
  });
}

export async function revokeTokenAction(input: { id: number }) {
  return runAction(async () => {
    const principal = requireRole(await currentPrincipal(), "admin");
    await revokeToken({ principal, id: Number(input.id) });
    revalidatePath("/settings");
    return { data: undefined, message: "Token revoked." };
  });
}

/** Alert thresholds: admin only; the next evaluation uses them. */
export async function updateAlertThresholdsAction(input: Record<string, unknown>) {
  return runAction(async () => {
    const principal = requireRole(await currentPrincipal(), "admin");
    const data = await updateAlertThresholds({ principal, input });
    revalidatePath("/settings");
    return { data, message: "Alert thresholds saved; the next evaluation uses them." };
  });
}

export async function saveFeeScheduleAction(input: { provider: string; schedule: unknown }) {
  return runAction(async () => {
    const principal = requireRole(await currentPrincipal(), "finance");
    await putFeeSchedule({ principal, provider: input.provider, schedule: input.schedule });
    revalidatePath("/settings");
    return { data: undefined, message: "Fee schedule saved; the next run checks fees against it." };
  });
}
