"use server";

import { z } from "zod";
import {
  assignDiscrepancy,
  commentOnDiscrepancy,
  ignoreDiscrepancy,
  reopenDiscrepancy,
  resolveDiscrepancy,
} from "@/lib/reconciliation/actions";
import { backfillFromProvider } from "@/lib/reconciliation/backfill";
import { recheckDiscrepancy } from "@/lib/reconciliation/recheck";
import { serverAction } from "../server-action";

/**
 * Finance's actions on one discrepancy. Each names the discrepancy by id;
 * the rest of its input is validated by lib/reconciliation with the same
 * rules as the REST API.
 */
const onDiscrepancy = <T extends z.ZodRawShape>(shape: T) =>
  ({
    role: "finance",
    input: z.object({ id: z.number().int().positive(), ...shape }),
    revalidate: ({ id }: { id: number }) => [`/discrepancies/${id}`, "/discrepancies"],
  }) as const;

export const resolveAction = serverAction(
  onDiscrepancy({ resolution: z.string(), note: z.string() }),
  async ({ principal, input }) => {
    await resolveDiscrepancy({ principal, id: input.id, input });
    return { data: undefined, message: "Resolved." };
  },
);

export const ignoreAction = serverAction(
  onDiscrepancy({ note: z.string() }),
  async ({ principal, input }) => {
    await ignoreDiscrepancy({ principal, id: input.id, input });
    return { data: undefined, message: "Ignored." };
  },
);

export const reopenAction = serverAction(onDiscrepancy({}), async ({ principal, input }) => {
  await reopenDiscrepancy({ principal, id: input.id });
  return { data: undefined, message: "Reopened." };
});

export const assignAction = serverAction(
  onDiscrepancy({ assignee: z.string() }),
  async ({ principal, input }) => {
    await assignDiscrepancy({ principal, id: input.id, input: { assignee: input.assignee || null } });
    return { data: undefined, message: input.assignee ? `Assigned to ${input.assignee}.` : "Unassigned." };
  },
);

export const commentAction = serverAction(
  onDiscrepancy({ body: z.string() }),
  async ({ principal, input }) => {
    await commentOnDiscrepancy({ principal, id: input.id, input });
    return { data: undefined, message: "Comment added." };
  },
);

export const recheckAction = serverAction(onDiscrepancy({}), async ({ principal, input }) => {
  const { run_id } = await recheckDiscrepancy({ principal, id: input.id });
  return { data: { runId: run_id }, message: `Re-check queued as run #${run_id}.` };
});

export const backfillAction = serverAction(onDiscrepancy({}), async ({ principal, input }) => {
  const { events } = await backfillFromProvider({ principal, id: input.id });
  return {
    data: undefined,
    message: `Fetched the provider's state as ${events} event${events === 1 ? "" : "s"}; processing applies them next.`,
  };
});
