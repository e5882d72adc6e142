"use server";

import { z } from "zod";
import { summarizeDeadLetters } from "@/lib/events/dead-letters";
import { discardEvents } from "@/lib/ops/discard";
import { replayEvents } from "@/lib/ops/replay";
import { serverAction } from "../server-action";

const eventIds = z.array(z.number().int().positive()).max(5000);
const bulkInput = z.object({
  eventIds: eventIds.min(1, "Select at least one event"),
  reason: z.string().trim().min(3, "Give a reason (at least 3 characters)").max(500),
});
const plural = (count: number) => `${count} event${count === 1 ? "" : "s"}`;

/** What a bulk action would touch, for the confirmation (count and money by currency). */
export const previewDeadLettersAction = serverAction(
  { role: "operator", input: z.object({ eventIds }) },
  async ({ input }) => ({ data: await summarizeDeadLetters({ ids: input.eventIds }) }),
);

export const replayDeadLettersAction = serverAction(
  { role: "operator", input: bulkInput, revalidate: () => ["/dead-letters"] },
  async ({ principal, input: { eventIds, reason } }) => {
    const { replayed } = await replayEvents({ principal, filter: { ids: eventIds }, reason });
    return { data: { count: replayed }, message: `Replayed ${plural(replayed)}.` };
  },
);

export const discardDeadLettersAction = serverAction(
  { role: "operator", input: bulkInput, revalidate: () => ["/dead-letters"] },
  async ({ principal, input: { eventIds, reason } }) => {
    const { discarded } = await discardEvents({ principal, eventIds, reason });
    return { data: { count: discarded }, message: `Discarded ${plural(discarded)}.` };
  },
);
