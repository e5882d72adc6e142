"use server";

import { z } from "zod";
import { createToken, revokeToken } from "@/lib/auth/token-admin";
import { createUser, updateUser } from "@/lib/auth/users";
import { thresholdsInput, updateAlertThresholds } from "@/lib/monitoring/settings";
import { putFeeSchedule } from "@/lib/reconciliation/fee-schedules";
import { serverAction } from "../server-action";

// The shapes the settings forms send; lib/auth validates the values (e-mail, password length, roles).
const settings = () => ["/settings"];
const newUser = z.object({ email: z.string(), password: z.string(), role: z.string() });
const userChange = z.object({
  userId: z.number(),
  role: z.string().optional(),
  disabled: z.boolean().optional(),
});
const newToken = z.object({ name: z.string(), role: z.string() });

export const createUserAction = serverAction(
  { role: "admin", input: newUser, revalidate: settings },
  async ({ principal, input }) => {
    const user = await createUser({ principal, input });
    return { data: { id: user.id }, message: `Created ${user.email} (${user.role}).` };
  },
);

export const updateUserAction = serverAction(
  { role: "admin", input: userChange, revalidate: settings },
  async ({ principal, input }) => {
    const user = await updateUser({ principal, input });
    return { data: { id: user.id }, message: `Updated ${user.email}.` };
  },
);

export const createTokenAction = serverAction(
  { role: "admin", input: newToken, revalidate: settings },
  async ({ principal, input }) => {
    const created = await createToken({ principal, input });
    return { data: created, message: "Copy the token now: it is not shown again." };
  },
);

export const revokeTokenAction = serverAction(
  { role: "admin", input: z.object({ id: z.coerce.number().int().positive() }), revalidate: settings },
  async ({ principal, input }) => {
    await revokeToken({ principal, id: input.id });
    return { data: undefined, message: "Token revoked." };
  },
);

/** Alert thresholds: the next evaluation uses them. */
export const updateAlertThresholdsAction = serverAction(
  { role: "admin", input: thresholdsInput, revalidate: settings },
  async ({ principal, input }) => {
    const data = await updateAlertThresholds({ principal, input });
    return { data, message: "Alert thresholds saved; the next evaluation uses them." };
  },
);

export const saveFeeScheduleAction = serverAction(
  {
    role: "finance",
    input: z.object({ provider: z.string(), schedule: z.unknown() }),
    revalidate: settings,
  },
  async ({ principal, input }) => {
    await putFeeSchedule({ principal, provider: input.provider, schedule: input.schedule });
    return { data: undefined, message: "Fee schedule saved; the next run checks fees against it." };
  },
);
