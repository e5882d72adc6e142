import "server-only";
import { eq, sql } from "drizzle-orm";
import { db } from "@/db";
import { imports, type Import } from "@/db/schema";
import type { Principal } from "@/lib/auth/principal";
import { isAppError } from "@/lib/errors";
import { log } from "@/lib/log";

export type ImportKind = "bank_statement" | "adyen_settlement_report";

/** Progress is written at most this often, and at least every PROGRESS_ROWS rows. */
const PROGRESS_INTERVAL_MS = 500;
const PROGRESS_ROWS = 10_000;

/** What an import reports as it goes; the counts are flushed to its `imports` row in the background. */
export type ImportTracker = {
  readonly id: number;
  bytesRead: (bytes: number) => void;
  rowRead: () => void;
  stage: (stage: "committing") => Promise<void>;
};

type Values = Partial<Pick<Import, "status" | "stage" | "error" | "result">>;

class Tracker implements ImportTracker {
  private rows = 0;
  private bytes = 0;
  private flushedRows = 0;
  private flushedAt = Date.now();
  private pending: Promise<void> = Promise.resolve();
  private writing = false;
  private trailing: NodeJS.Timeout | undefined;
  private finished = false;

  constructor(readonly id: number) {}

  bytesRead(bytes: number) {
    this.bytes += bytes;
    this.maybeFlush();
  }

  rowRead() {
    this.rows += 1;
    this.maybeFlush();
  }

  async stage(stage: "committing") {
    await this.write({ stage });
  }

  /** The final write: waits for any in-flight progress write so it cannot land afterwards. */
  async finish(values: Values) {
    this.finished = true;
    clearTimeout(this.trailing);
    await this.write(values, true);
  }

  private maybeFlush() {
    if (this.writing || this.finished) return;
    const due = this.flushedAt + PROGRESS_INTERVAL_MS - Date.now();
    if (this.rows - this.flushedRows < PROGRESS_ROWS && due > 0) {
      // Rows that arrive and then pause (a slow upload) still show within the interval.
      this.trailing ??= setTimeout(() => {
        this.trailing = undefined;
        this.maybeFlush();
      }, due).unref();
      return;
    }
    this.writing = true;
    // Not awaited: the import goes on reading while its progress is written on another connection.
    this.pending = this.write({}).finally(() => {
      this.writing = false;
      if (this.rows !== this.flushedRows) this.maybeFlush();
    });
  }

  private async write(values: Values, finished = false) {
    await this.pending.catch(() => {});
    this.flushedRows = this.rows;
    this.flushedAt = Date.now();
    try {
      await db
        .update(imports)
        .set({
          ...values,
          rowsDone: this.rows,
          bytesDone: this.bytes,
          updatedAt: sql`now()`,
          ...(finished ? { finishedAt: sql`now()` } : {}),
        })
        .where(eq(imports.id, this.id));
    } catch (error) {
      // Progress is only shown, never relied on: a failed write must not fail the import.
      log.warn({ err: error, importId: this.id }, "could not record import progress");
    }
  }
}

/**
 * Runs one import with its progress on record: an `imports` row is created
 * (committed at once, so the dashboard sees it), updated as `work` reports
 * rows and bytes, and closed as succeeded with the result or failed with the
 * user-facing reason. `work` does all its writes in its own transaction.
 */
export async function trackImport<T extends Record<string, unknown>>(
  { principal, kind, bytesTotal }: { principal: Principal; kind: ImportKind; bytesTotal: number | null },
  work: (tracker: ImportTracker) => Promise<T>,
): Promise<T & { import_id: number }> {
  const [row] = await db
    .insert(imports)
    .values({ kind, startedBy: principal.actor, bytesTotal })
    .returning({ id: imports.id });
  const tracker = new Tracker(row!.id);
  try {
    const result = await work(tracker);
    await tracker.finish({ status: "succeeded", stage: "done", result });
    return { ...result, import_id: tracker.id };
  } catch (error) {
    await tracker.finish({
      status: "failed",
      stage: "failed",
      error: isAppError(error) ? error.message : "Internal error",
    });
    throw error;
  }
}
