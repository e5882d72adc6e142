import { cn } from "./cn";
import { formatCount, formatDuration } from "./format";

export type ProgressBarProps = {
  /** What the work is doing now, e.g. "Reading rows", "Matching". */
  stage: string;
  done: number;
  /** Null while the total is unknown: the count and elapsed time still show, without a bar. */
  total: number | null;
  elapsedMs: number;
  /** The total is an estimate (e.g. from the bytes of an upload read so far). */
  approximate?: boolean;
  className?: string;
};

/**
 * Progress of one piece of long work: stage, done of total with a bar when
 * the total is known, and the time it has taken. Presentational only, so it
 * renders the same on the server and in the browser.
 */
export function ProgressBar({
  stage,
  done,
  total,
  elapsedMs,
  approximate = false,
  className,
}: ProgressBarProps) {
  const fraction = total && total > 0 ? Math.min(1, Math.max(0, done / total)) : total === 0 ? 1 : null;
  const percent = fraction === null ? null : Math.floor(fraction * 100);
  return (
    <div className={cn("flex flex-col gap-1 text-sm", className)} data-testid="progress">
      <div className="flex flex-wrap items-baseline justify-between gap-x-3">
        <span className="font-medium text-zinc-800 dark:text-zinc-100" data-testid="progress-stage">
          {stage}
        </span>
        <span className="tabular-nums text-zinc-600 dark:text-zinc-300">
          <span data-testid="progress-done">{formatCount(done)}</span>
          {total !== null && (
            <>
              {" of "}
              <span data-testid="progress-total">
                {approximate ? "≈" : ""}
                {formatCount(total)}
              </span>
            </>
          )}
          {percent !== null && ` (${percent}%)`}
          {" · "}
          <span data-testid="progress-elapsed">{formatDuration(elapsedMs)}</span>
        </span>
      </div>
      {fraction !== null && (
        <div
          role="progressbar"
          aria-label={stage}
          aria-valuemin={0}
          aria-valuemax={total ?? 0}
          aria-valuenow={done}
          className="h-2 w-full overflow-hidden rounded bg-zinc-200 dark:bg-zinc-800"
        >
          <div
            className="h-full rounded bg-sky-600 transition-[width] duration-300 dark:bg-sky-500"
            style={{ width: `${fraction * 100}%` }}
          />
        </div>
      )}
    </div>
  );
}
