import "server-only";
import { rawSql } from "@/db";
import type { RunProgress, RunStage } from "@/db/schema";

/** A run's progress is written at most this often (and at every stage change), so a fast pull is not slowed. */
const SAVE_EVERY_MS = 250;
const LEASE_SECONDS = 120;
export { LEASE_SECONDS };

export type ProgressUpdate = {
  step?: string | null;
  done?: number;
  total?: number | null;
  pages?: number;
  staged?: number;
  warning?: string;
};

/**
 * Keeps a run's progress row current while it executes (and its lease
 * renewed with it): `stage` switches stages, `update` moves within one.
 */
export function trackRunProgress({ runId, holder }: { runId: number; holder: string }) {
  const progress: RunProgress = {
    phase: "pulling",
    step: null,
    done: 0,
    total: null,
    pagesFetched: 0,
    recordsStaged: 0,
    matched: 0,
    eventsRecovered: 0,
    warnings: [],
  };
  let savedAt = 0;
  const save = async () => {
    savedAt = Date.now();
    await rawSql()`
      update reconciliation_runs set progress = ${JSON.stringify(progress)}::jsonb,
        locked_until = now() + make_interval(secs => ${LEASE_SECONDS})
      where id = ${runId} and locked_by = ${holder}`;
  };
  return {
    progress,
    save,
    async stage(phase: RunStage, fields: ProgressUpdate = {}) {
      progress.phase = phase;
      progress.step = null;
      progress.done = 0;
      progress.total = null;
      await this.update(fields, { force: true });
    },
    async update(fields: ProgressUpdate, { force = false }: { force?: boolean } = {}) {
      if (fields.step !== undefined) progress.step = fields.step;
      if (fields.total !== undefined) progress.total = fields.total;
      if (fields.done !== undefined) progress.done = fields.done;
      progress.pagesFetched += fields.pages ?? 0;
      progress.recordsStaged += fields.staged ?? 0;
      // While pulling, what is done is what has been staged; no provider list says how long it is.
      if (progress.phase === "pulling") progress.done = progress.recordsStaged;
      if (fields.warning) progress.warnings = [...(progress.warnings ?? []), fields.warning];
      if (force || fields.warning || fields.step !== undefined || Date.now() - savedAt >= SAVE_EVERY_MS)
        await save();
    },
  };
}

export type RunProgressTracker = ReturnType<typeof trackRunProgress>;
