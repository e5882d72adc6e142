import "server-only";
import { and, eq, inArray, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Transaction } from "@/db";
import { discrepancies, discrepancyComments, type Discrepancy, type DiscrepancyStatus } from "@/db/schema";
import type { Principal } from "@/lib/auth/principal";
import { AppError } from "@/lib/errors";
import { actOnDiscrepancy } from "./discrepancy-action";
import { discrepancyView } from "./discrepancies";

/** Reason codes finance picks from; the API also accepts a team's own short code. */
export const RESOLUTION_CODES = [
  "fixed_internally",
  "provider_corrected",
  "timing_difference",
  "refunded_customer",
  "written_off",
  "expected_behaviour",
  "other",
] as const;

const resolveInput = z.object({
  resolution: z
    .string()
    .trim()
    .min(1, "is required")
    .max(64)
    .regex(/^[a-z0-9_.-]+$/i, "must be a short code like fixed_internally"),
  note: z.string().trim().max(4000).default(""),
});
const ignoreInput = z.object({ note: z.string().trim().max(4000).default("") });
const assignInput = z.object({ assignee: z.string().trim().max(200).nullable() });
const commentInput = z.object({ body: z.string().trim().min(1, "is required").max(4000) });
const noInput = z.object({});

type Args = { principal: Principal; id: number; input: unknown };

async function update({
  tx,
  id,
  set,
  guard,
}: {
  tx: Transaction;
  id: number;
  set: Partial<Discrepancy>;
  guard?: SQL;
}) {
  const [row] = await tx
    .update(discrepancies)
    .set({ ...set, updatedAt: new Date() })
    .where(and(eq(discrepancies.id, id), guard))
    .returning();
  return discrepancyView(row!);
}

const CLOSABLE: DiscrepancyStatus[] = ["open", "auto_resolved"];

async function close({
  tx,
  current,
  principal,
  status,
  resolution,
  note,
}: {
  tx: Transaction;
  current: Discrepancy;
  principal: Principal;
  status: "resolved" | "ignored";
  resolution: string;
  note: string;
}) {
  if (!CLOSABLE.includes(current.status))
    throw new AppError("conflict", `Discrepancy ${current.id} is already ${current.status}`);
  const result = await update({
    tx,
    id: current.id,
    set: {
      status,
      resolution,
      resolutionNote: note || null,
      resolvedBy: principal.actor,
      resolvedAt: new Date(),
    },
    guard: inArray(discrepancies.status, CLOSABLE),
  });
  const details = {
    kind: current.kind,
    object_id: current.objectId,
    from_status: current.status,
    resolution,
    note,
  };
  return { result, details };
}

export async function resolveDiscrepancy({ principal, id, input }: Args) {
  return actOnDiscrepancy({
    principal,
    id,
    input,
    schema: resolveInput,
    action: "discrepancy.resolve",
    change: ({ tx, current, input: { resolution, note } }) =>
      close({ tx, current, principal, status: "resolved", resolution, note }),
  });
}

export async function ignoreDiscrepancy({ principal, id, input }: Args) {
  return actOnDiscrepancy({
    principal,
    id,
    input,
    schema: ignoreInput,
    action: "discrepancy.ignore",
    change: ({ tx, current, input: { note } }) =>
      close({ tx, current, principal, status: "ignored", resolution: "ignored", note }),
  });
}

/** Back to open: a resolution turned out wrong. */
export async function reopenDiscrepancy({ principal, id }: { principal: Principal; id: number }) {
  return actOnDiscrepancy({
    principal,
    id,
    schema: noInput,
    action: "discrepancy.reopen",
    change: async ({ tx, current }) => {
      if (current.status === "open") throw new AppError("conflict", `Discrepancy ${id} is already open`);
      const result = await update({
        tx,
        id,
        set: { status: "open", resolution: null, resolutionNote: null, resolvedBy: null, resolvedAt: null },
      });
      return { result, details: { from_status: current.status } };
    },
  });
}

export async function assignDiscrepancy({ principal, id, input }: Args) {
  return actOnDiscrepancy({
    principal,
    id,
    input,
    schema: assignInput,
    action: "discrepancy.assign",
    change: async ({ tx, current, input: { assignee } }) => {
      const result = await update({ tx, id, set: { assignee: assignee || null } });
      return { result, details: { from: current.assignee, to: assignee || null } };
    },
  });
}

export async function commentOnDiscrepancy({ principal, id, input }: Args) {
  return actOnDiscrepancy({
    principal,
    id,
    input,
    schema: commentInput,
    action: "discrepancy.comment",
    change: async ({ tx, input: { body } }) => {
      const [comment] = await tx
        .insert(discrepancyComments)
        .values({ discrepancyId: id, author: principal.actor, body })
        .returning();
      return {
        result: {
          id: comment!.id,
          author: comment!.author,
          body: comment!.body,
          at: comment!.at.toISOString(),
        },
        details: { comment_id: comment!.id, body },
      };
    },
  });
}
