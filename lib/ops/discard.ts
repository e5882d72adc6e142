import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { events } from "@/db/schema";
import { auditedChange } from "@/lib/audit/mutation";
import type { Principal } from "@/lib/auth/principal";
import { markRollupMinutesDirty } from "@/lib/events/rollups/dirty";

const discardSchema = z.object({
  eventIds: z.array(z.number().int().positive()).min(1).max(10_000),
  reason: z.string().trim().min(3, "Say why the events are discarded").max(1000),
});

/** Closes dead letters without replaying them; the reason is kept in the audit log. */
export async function discardEvents(input: { principal: Principal; eventIds: number[]; reason: string }) {
  return auditedChange({
    principal: input.principal,
    role: "operator",
    schema: discardSchema,
    input: { eventIds: input.eventIds, reason: input.reason },
    change: async ({ tx, input: { eventIds, reason } }) => {
      const discarded = await tx
        .update(events)
        .set({ status: "discarded" })
        .where(and(inArray(events.id, eventIds), eq(events.status, "dead")))
        .returning({ id: events.id });
      await markRollupMinutesDirty({ executor: tx, eventIds: discarded.map((row) => row.id) });
      return {
        result: { discarded: discarded.length },
        audit: {
          action: "event.discard",
          targets: discarded.map((row) => `event:${row.id}`),
          details: { reason, batch_size: discarded.length },
        },
      };
    },
  });
}
