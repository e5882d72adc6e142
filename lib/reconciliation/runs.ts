import "server-only";
import { eq, or, type SQL } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/db";
import { RUN_KINDS, reconciliationRuns, type ReconciliationRun, type RunKind } from "@/db/schema";
import { auditedChange } from "@/lib/audit/mutation";
import type { Principal } from "@/lib/auth/principal";
import { AppError } from "@/lib/errors";
import { keysetList } from "@/lib/http/cursor";
import { PROVIDERS } from "@/lib/providers/types";
import { adyenCoverageGap, uncoveredMessage } from "./adyen/coverage";

export const MAX_RUN_DAYS = 93;

const runInput = z
  .object({
    provider: z.enum(PROVIDERS),
    from: z.coerce.date(),
    to: z.coerce.date(),
    kind: z.enum(RUN_KINDS).default("all"),
    schedule: z.string().max(200).optional(),
  })
  .refine((value) => value.from < value.to, { message: "from must be before to", path: ["from"] })
  .refine((value) => value.to.getTime() - value.from.getTime() <= MAX_RUN_DAYS * 86_400_000, {
    message: `a run covers at most ${MAX_RUN_DAYS} days`,
    path: ["to"],
  });

/** Queues a run for the worker (finance or above); audited in the same transaction. */
export async function enqueueRun(input: {
  principal: Principal;
  provider: string;
  from: Date | string;
  to: Date | string;
  kind?: string;
  schedule?: string;
}): Promise<{ id: number }> {
  const { principal, ...run } = input;
  return auditedChange({
    principal,
    role: "finance",
    schema: runInput,
    input: run,
    inputName: "run",
    change: async ({ tx, input: { provider, from, to, kind, schedule }, principal: actor }) => {
      // Adyen's books are its imported settlement reports: a run they do not cover could only fail.
      if (provider === "adyen") {
        const gap = await adyenCoverageGap({ from, to });
        if (gap) throw new AppError("bad_request", uncoveredMessage({ from, to, gap }));
      }
      const [queued] = await tx
        .insert(reconciliationRuns)
        .values({
          provider,
          kind,
          periodFrom: from,
          periodTo: to,
          requestedBy: actor.actor,
          schedule: schedule ?? null,
        })
        .returning({ id: reconciliationRuns.id });
      return {
        result: { id: queued!.id },
        audit: {
          action: "reconciliation.run.enqueue",
          target: `reconciliation_run:${queued!.id}`,
          details: { provider, kind, from: from.toISOString(), to: to.toISOString(), schedule },
        },
      };
    },
  });
}

export type RunView = ReturnType<typeof runView>;

/** From start to finish, or to now while the run goes on. */
function elapsedMs(run: ReconciliationRun, now: number): number {
  if (!run.startedAt) return 0;
  return Math.max(0, (run.finishedAt?.getTime() ?? now) - run.startedAt.getTime());
}

export function runView(run: ReconciliationRun, now = Date.now()) {
  return {
    id: run.id,
    provider: run.provider,
    kind: run.kind as RunKind,
    from: run.periodFrom.toISOString(),
    to: run.periodTo.toISOString(),
    status: run.status,
    progress: {
      stage: run.progress.phase,
      phase: run.progress.phase,
      step: run.progress.step ?? null,
      done: run.progress.done ?? 0,
      total: run.progress.total ?? null,
      elapsed_ms: elapsedMs(run, now),
      warnings: run.progress.warnings ?? [],
      pages_fetched: run.progress.pagesFetched,
      records_staged: run.progress.recordsStaged,
      matched: run.progress.matched,
      events_recovered: run.progress.eventsRecovered,
    },
    counts: run.counts,
    outcome: run.outcome,
    discrepancies: Object.values(run.counts).reduce((sum, count) => sum + (count ?? 0), 0),
    requested_by: run.requestedBy,
    schedule: run.schedule,
    error: run.error,
    created_at: run.createdAt.toISOString(),
    started_at: run.startedAt?.toISOString() ?? null,
    finished_at: run.finishedAt?.toISOString() ?? null,
  };
}

export async function getRun({ id }: { id: number }) {
  const [run] = await db.select().from(reconciliationRuns).where(eq(reconciliationRuns.id, id));
  if (!run) throw new AppError("not_found", `No reconciliation run ${id}`);
  return runView(run);
}

export async function listRuns({
  provider,
  status,
  limit = 50,
  cursor,
}: {
  provider?: string;
  status?: string;
  limit?: number;
  cursor?: string;
}) {
  const filters: SQL[] = [];
  if (provider) filters.push(eq(reconciliationRuns.provider, provider));
  if (status) filters.push(eq(reconciliationRuns.status, status as ReconciliationRun["status"]));
  const page = await keysetList({
    query: db.select().from(reconciliationRuns).$dynamic(),
    id: reconciliationRuns.id,
    where: filters,
    cursor,
    limit,
  });
  return { data: page.data.map((row) => runView(row)), nextCursor: page.nextCursor };
}

/** True while a run is queued or running: pages poll until it is not. */
export async function hasActiveRuns() {
  const [row] = await db
    .select({ id: reconciliationRuns.id })
    .from(reconciliationRuns)
    .where(or(eq(reconciliationRuns.status, "queued"), eq(reconciliationRuns.status, "running")))
    .limit(1);
  return Boolean(row);
}
