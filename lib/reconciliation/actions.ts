import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { db, type Transaction } from "@/db";
import { discrepancies, discrepancyComments, type Discrepancy, type DiscrepancyStatus } from "@/db/schema";
import { requireRole } from "@/lib/auth/authorize";
import type { Principal } from "@/lib/auth/principal";
import { AppError } from "@/lib/errors";
import { writeAudit } from "@/lib/ops/audit";
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

function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new AppError("bad_request", `Invalid input: ${issue.path.join(".") || "body"}: ${issue.message}`);
  }
  return result.data;
}

async function lockDiscrepancy(tx: Transaction, id: number): Promise<Discrepancy> {
  const [row] = await tx.select().from(discrepancies).where(eq(discrepancies.id, id)).for("update");
  if (!row) throw new AppError("not_found", `No discrepancy ${id}`);
  return row;
}

const CLOSABLE: DiscrepancyStatus[] = ["open", "auto_resolved"];

async function close({
  principal,
  id,
  status,
  resolution,
  note,
  action,
}: {
  principal: Principal;
  id: number;
  status: "resolved" | "ignored";
  resolution: string;
  note: string;
  action: string;
}) {
  return db.transaction(async (tx) => {
    const current = await lockDiscrepancy(tx, id);
    if (!CLOSABLE.includes(current.status))
      throw new AppError("conflict", `Discrepancy ${id} is already ${current.status}`);
    const [row] = await tx
      .update(discrepancies)
      .set({
        status,
        resolution,
        resolutionNote: note || null,
        resolvedBy: principal.actor,
        resolvedAt: new Date(),
        updatedAt: new Date(),
      })
      .where(and(eq(discrepancies.id, id), inArray(discrepancies.status, CLOSABLE)))
      .returning();
    await writeAudit(tx, {
      principal,
      action,
      target: `discrepancy:${id}`,
      details: {
        kind: current.kind,
        object_id: current.objectId,
        from_status: current.status,
        resolution,
        note,
      },
    });
    return discrepancyView(row!);
  });
}

export async function resolveDiscrepancy({
  principal,
  id,
  input,
}: {
  principal: Principal;
  id: number;
  input: unknown;
}) {
  requireRole(principal, "finance");
  const { resolution, note } = parse(resolveInput, input);
  return close({ principal, id, status: "resolved", resolution, note, action: "discrepancy.resolve" });
}

export async function ignoreDiscrepancy({
  principal,
  id,
  input,
}: {
  principal: Principal;
  id: number;
  input: unknown;
}) {
  requireRole(principal, "finance");
  const { note } = parse(ignoreInput, input);
  return close({
    principal,
    id,
    status: "ignored",
    resolution: "ignored",
    note,
    action: "discrepancy.ignore",
  });
}

/** Back to open: a resolution turned out wrong. */
export async function reopenDiscrepancy({ principal, id }: { principal: Principal; id: number }) {
  requireRole(principal, "finance");
  return db.transaction(async (tx) => {
    const current = await lockDiscrepancy(tx, id);
    if (current.status === "open") throw new AppError("conflict", `Discrepancy ${id} is already open`);
    const [row] = await tx
      .update(discrepancies)
      .set({
        status: "open",
        resolution: null,
        resolutionNote: null,
        resolvedBy: null,
        resolvedAt: null,
        updatedAt: new Date(),
      })
      .where(eq(discrepancies.id, id))
      .returning();
    await writeAudit(tx, {
      principal,
      action: "discrepancy.reopen",
      target: `discrepancy:${id}`,
      details: { from_status: current.status },
    });
    return discrepancyView(row!);
  });
}

export async function assignDiscrepancy({
  principal,
  id,
  input,
}: {
  principal: Principal;
  id: number;
  input: unknown;
}) {
  requireRole(principal, "finance");
  const { assignee } = parse(assignInput, input);
  return db.transaction(async (tx) => {
    const current = await lockDiscrepancy(tx, id);
    const [row] = await tx
      .update(discrepancies)
      .set({ assignee: assignee || null, updatedAt: new Date() })
      .where(eq(discrepancies.id, id))
      .returning();
    await writeAudit(tx, {
      principal,
      action: "discrepancy.assign",
      target: `discrepancy:${id}`,
      details: { from: current.assignee, to: assignee || null },
    });
    return discrepancyView(row!);
  });
}

export async function commentOnDiscrepancy({
  principal,
  id,
  input,
}: {
  principal: Principal;
  id: number;
  input: unknown;
}) {
  requireRole(principal, "finance");
  const { body } = parse(commentInput, input);
  return db.transaction(async (tx) => {
    await lockDiscrepancy(tx, id);
    const [comment] = await tx
      .insert(discrepancyComments)
      .values({ discrepancyId: id, author: principal.actor, body })
      .returning();
    await writeAudit(tx, {
      principal,
      action: "discrepancy.comment",
      target: `discrepancy:${id}`,
      details: { comment_id: comment!.id, body },
    });
    return { id: comment!.id, author: comment!.author, body: comment!.body, at: comment!.at.toISOString() };
  });
}
