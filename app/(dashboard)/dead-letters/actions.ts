"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireRole } from "@/lib/auth/authorize";
import { currentPrincipal } from "@/lib/auth/session";
import { summarizeDeadLetters } from "@/lib/events/dead-letters";
import { AppError } from "@/lib/errors";
import { discardEvents } from "@/lib/ops/discard";
import { replayEvents } from "@/lib/ops/replay";
import { runAction } from "../action-result";

const bulkInput = z.object({
  eventIds: z.array(z.number().int().positive()).min(1, "Select at least one event").max(5000),
  reason: z.string().trim().min(3, "Give a reason (at least 3 characters)").max(500),
});

function parse(input: unknown) {
  const parsed = bulkInput.safeParse(input);
  if (!parsed.success)
    throw new AppError("bad_request", parsed.error.issues[0]?.message ?? "Invalid request");
  return parsed.data;
}

/** What a bulk action would touch, for the confirmation (count and money by currency). */
export async function previewDeadLettersAction(input: { eventIds: number[] }) {
  return runAction(async () => {
    requireRole(await currentPrincipal(), "operator");
    const ids = z.array(z.number().int().positive()).max(5000).parse(input.eventIds);
    return { data: await summarizeDeadLetters({ ids }) };
  });
}

export async function replayDeadLettersAction(input: { eventIds: number[]; reason: string }) {
  return runAction(async () => {
    const principal = requireRole(await currentPrincipal(), "operator");
    const { eventIds, reason } = parse(input);
    const { replayed } = await replayEvents({ principal, filter: { ids: eventIds }, reason });
    revalidatePath("/dead-letters");
    return { data: { count: replayed }, message: `Replayed ${replayed} event${replayed === 1 ? "" : "s"}.` };
  });
}

export async function discardDeadLettersAction(input: { eventIds: number[]; reason: string }) {
  return runAction(async () => {
    const principal = requireRole(await currentPrincipal(), "operator");
    const { eventIds, reason } = parse(input);
    const { discarded } = await discardEvents({ principal, eventIds, reason });
    revalidatePath("/dead-letters");
    return {
      data: { count: discarded },
      message: `Discarded ${discarded} event${discarded === 1 ? "" : "s"}.`,
    };
  });
}
