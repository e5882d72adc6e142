"use server";

import { revalidatePath } from "next/cache";
import { requireRole } from "@/lib/auth/authorize";
import { currentPrincipal } from "@/lib/auth/session";
import {
  assignDiscrepancy,
  commentOnDiscrepancy,
  ignoreDiscrepancy,
  reopenDiscrepancy,
  resolveDiscrepancy,
} from "@/lib/reconciliation/actions";
import { backfillFromProvider } from "@/lib/reconciliation/backfill";
import { recheckDiscrepancy } from "@/lib/reconciliation/recheck";
import { runAction } from "../action-result";

async function finance() {
  return requireRole(await currentPrincipal(), "finance");
}

function refresh(id: number) {
  revalidatePath(`/discrepancies/${id}`);
  revalidatePath("/discrepancies");
}

export async function resolveAction(input: { id: number; resolution: string; note: string }) {
  return runAction(async () => {
    const principal = await finance();
    await resolveDiscrepancy({ principal, id: input.id, input });
    refresh(input.id);
    return { data: undefined, message: "Resolved." };
  });
}

export async function ignoreAction(input: { id: number; note: string }) {
  return runAction(async () => {
    const principal = await finance();
    await ignoreDiscrepancy({ principal, id: input.id, input });
    refresh(input.id);
    return { data: undefined, message: "Ignored." };
  });
}

export async function reopenAction(input: { id: number }) {
  return runAction(async () => {
    const principal = await finance();
    await reopenDiscrepancy({ principal, id: input.id });
    refresh(input.id);
    return { data: undefined, message: "Reopened." };
  });
}

export async function assignAction(input: { id: number; assignee: string }) {
  return runAction(async () => {
    const principal = await finance();
    await assignDiscrepancy({ principal, id: input.id, input: { assignee: input.assignee || null } });
    refresh(input.id);
    return { data: undefined, message: input.assignee ? `Assigned to ${input.assignee}.` : "Unassigned." };
  });
}

export async function commentAction(input: { id: number; body: string }) {
  return runAction(async () => {
    const principal = await finance();
    await commentOnDiscrepancy({ principal, id: input.id, input });
    refresh(input.id);
    return { data: undefined, message: "Comment added." };
  });
}

export async function recheckAction(input: { id: number }) {
  return runAction(async () => {
    const principal = await finance();
    const { run_id } = await recheckDiscrepancy({ principal, id: input.id });
    refresh(input.id);
    return { data: { runId: run_id }, message: `Re-check queued as run #${run_id}.` };
  });
}

export async function backfillAction(input: { id: number }) {
  return runAction(async () => {
    const principal = await finance();
    const { events } = await backfillFromProvider({ principal, id: input.id });
    refresh(input.id);
    return {
      data: undefined,
      message: `Fetched the provider's state as ${events} event${events === 1 ? "" : "s"}; processing applies them next.`,
    };
  });
}
