"use server";

import { z } from "zod";
import { replayEvent } from "@/lib/ops/replay";
import { serverAction } from "../server-action";

/** Replays one event. */
export const replayEventAction = serverAction(
  {
    role: "operator",
    input: z.object({ eventId: z.number().int().positive(), reason: z.string().trim().max(500).optional() }),
    revalidate: ({ eventId }) => [`/events/${eventId}`],
  },
  async ({ principal, input: { eventId, reason } }) => {
    await replayEvent({ principal, eventId, reason: reason || undefined });
    return { data: undefined, message: "Replay scheduled: the worker will pick it up shortly." };
  },
);
