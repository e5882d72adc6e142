"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireRole } from "@/lib/auth/authorize";
import { currentPrincipal } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { replayEvent } from "@/lib/ops/replay";
import { runAction } from "../action-result";

const replayInput = z.object({
  eventId: z.number().int().positive(),
  reason: z.string().trim().max(500).optional(),
});

/** Replays one event. Checks the role itself: server actions are callable without the page. */
export async function replayEventAction(input: { eventId: number; reason?: string }) {
  return runAction(async () => {
    const principal = requireRole(await currentPrincipal(), "operator");
    const parsed = replayInput.safeParse(input);
    if (!parsed.success) throw new AppError("bad_request", "Invalid replay request");
    await replayEvent({ principal, eventId: parsed.data.eventId, reason: parsed.data.reason || undefined });
    revalidatePath(`/events/${parsed.data.eventId}`);
    return { data: undefined, message: "Replay scheduled: the worker will pick it up shortly." };
  });
}
