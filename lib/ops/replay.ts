import "server-only";
import { and, eq, gte, inArray, lt, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { events } from "@/db/schema";
import { auditedChange } from "@/lib/audit/mutation";
import type { Principal } from "@/lib/auth/principal";
import { AppError } from "@/lib/errors";
import { EVENTS_CHANNEL } from "@/lib/inbox/store";
import { markRollupMinutesDirty } from "@/lib/events/rollups/dirty";

// Events an operator may send back to the queue. Processed ones may be replayed
// too: their records keep the newest snapshot, so a replay changes nothing.
const REPLAYABLE = ["dead", "discarded", "retrying", "processed", "ignored"] as const;

const reason = z.string().trim().max(1000).optional();

export const replayFilterSchema = z.union([
  z.object({
    status: z.literal("dead"),
    type: z.string().max(200).optional(),
    provider: z.string().max(50).optional(),
    from: z.coerce.date().optional(),
    to: z.coerce.date().optional(),
  }),
  z.object({ ids: z.array(z.number().int().positive()).min(1).max(10_000) }),
]);
export type ReplayFilter = z.infer<typeof replayFilterSchema>;

function requeue() {
  return {
    status: "pending" as const,
    nextAttemptAt: sql`now()`,
    attempts: 0,
    lockedBy: null,
    lockedUntil: null,
  };
}

/** Sends one event back to the queue, whatever its state but in-flight. */
export async function replayEvent(input: { principal: Principal; eventId: number; reason?: string }) {
  return auditedChange({
    principal: input.principal,
    role: "operator",
    schema: z.object({ eventId: z.number().int().positive(), reason }),
    input: { eventId: input.eventId, reason: input.reason },
    change: async ({ tx, input: { eventId, reason: why } }) => {
      const [event] = await tx
        .select({
          id: events.id,
          status: events.status,
          providerEventId: events.providerEventId,
          type: events.type,
        })
        .from(events)
        .where(eq(events.id, eventId))
        .for("update");
      if (!event) throw new AppError("not_found", `Event ${eventId} not found`);
      if (event.status === "processing" || event.status === "pending")
        throw new AppError("conflict", `Event ${eventId} is already ${event.status}`);
      await tx.update(events).set(requeue()).where(eq(events.id, eventId));
      await markRollupMinutesDirty({ executor: tx, eventIds: [eventId] });
      await tx.execute(sql`select pg_notify(${EVENTS_CHANNEL}, '')`);
      return {
        result: { replayed: 1, previousStatus: event.status },
        audit: {
          action: "event.replay",
          target: `event:${eventId}`,
          details: {
            previous_status: event.status,
            provider_event_id: event.providerEventId,
            type: event.type,
            reason: why ?? null,
          },
        },
      };
    },
  });
}

/** Sends every event matching the filter (dead letters by default) back to the queue. */
export async function replayEvents(input: { principal: Principal; filter: ReplayFilter; reason?: string }) {
  return auditedChange({
    principal: input.principal,
    role: "operator",
    schema: z.object({ filter: replayFilterSchema, reason }),
    input: { filter: input.filter, reason: input.reason },
    change: async ({ tx, input: { filter, reason: why } }) => {
      const conditions: SQL[] = [];
      if ("ids" in filter) {
        conditions.push(inArray(events.id, filter.ids), inArray(events.status, [...REPLAYABLE]));
      } else {
        conditions.push(eq(events.status, "dead"));
        if (filter.type) conditions.push(eq(events.type, filter.type));
        if (filter.provider) conditions.push(eq(events.provider, filter.provider));
        if (filter.from) conditions.push(gte(events.receivedAt, filter.from));
        if (filter.to) conditions.push(lt(events.receivedAt, filter.to));
      }
      const replayed = await tx
        .update(events)
        .set(requeue())
        .where(and(...conditions))
        .returning({ id: events.id });
      if (replayed.length > 0) await tx.execute(sql`select pg_notify(${EVENTS_CHANNEL}, '')`);
      await markRollupMinutesDirty({ executor: tx, eventIds: replayed.map((row) => row.id) });
      const summary = {
        filter: "ids" in filter ? { ids: filter.ids.slice(0, 100) } : filter,
        replayed: replayed.length,
        reason: why ?? null,
      };
      return {
        result: { replayed: replayed.length },
        audit: [
          {
            action: "event.replay_bulk",
            target: "ids" in filter ? "events:selected" : "events:dead",
            details: { ...summary, event_ids: replayed.slice(0, 100).map((row) => row.id) },
          },
          // Each event's own row, so its audit trail shows the replay whichever way it was done.
          {
            action: "event.replay",
            targets: replayed.map((row) => `event:${row.id}`),
            details: { bulk: true, reason: why ?? null },
          },
        ],
      };
    },
  });
}
