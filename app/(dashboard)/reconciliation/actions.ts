"use server";

import { revalidatePath } from "next/cache";
import { requireRole } from "@/lib/auth/authorize";
import { currentPrincipal } from "@/lib/auth/session";
import { enqueueRun } from "@/lib/reconciliation/runs";
import { runAction } from "../action-result";

export async function startRunAction(input: { provider: string; kind: string; from: string; to: string }) {
  return runAction(async () => {
    const principal = requireRole(await currentPrincipal(), "finance");
    // The form's datetime-local values are UTC, like every time the dashboard shows.
    const utc = (value: string) => (/Z|[+-]\d{2}:?\d{2}$/.test(value) ? value : `${value}Z`);
    const { id } = await enqueueRun({
      principal,
      provider: input.provider,
      kind: input.kind,
      from: utc(input.from),
      to: utc(input.to),
    });
    revalidatePath("/reconciliation");
    return { data: { id }, message: `Run #${id} queued.` };
  });
}
