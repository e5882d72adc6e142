import { ProgressBar } from "@/components/ui/progress-bar";
import { formatCount, formatDuration } from "@/components/ui/format";
import type { RunRow } from "./runs-table";

const STAGES: Record<string, string> = {
  queued: "Queued",
  pulling: "Pulling the provider's books",
  waiting: "Waiting for received webhooks to be applied",
  matching: "Matching",
  recovering: "Recovering missed events",
};

/**
 * A run's progress: while it runs, its stage and step with done of total (a
 * bar when the total is known) and the time so far; once it ended, what it did.
 */
export function RunProgress({ run }: { run: Pick<RunRow, "status" | "progress" | "outcome"> }) {
  const { progress } = run;
  const warnings = progress.warnings.length > 0 && (
    <ul className="text-xs text-amber-700 dark:text-amber-300">
      {progress.warnings.map((warning) => (
        <li key={warning}>{warning}</li>
      ))}
    </ul>
  );
  if (run.status === "queued" || run.status === "running") {
    const stage = STAGES[progress.stage] ?? progress.stage;
    return (
      <div className="flex min-w-64 flex-col gap-1">
        <ProgressBar
          stage={progress.step ? `${stage} · ${progress.step}` : stage}
          done={progress.done}
          total={progress.total}
          elapsedMs={progress.elapsed_ms}
        />
        {warnings}
      </div>
    );
  }
  const outcome = run.outcome;
  const changes = [
    outcome.new ? `${formatCount(outcome.new)} new` : null,
    outcome.auto_resolved ? `${formatCount(outcome.auto_resolved)} auto-resolved` : null,
    outcome.reopened ? `${formatCount(outcome.reopened)} reopened` : null,
  ].filter(Boolean);
  return (
    <div className="flex flex-col gap-0.5">
      <span>
        {`${progress.stage} · ${formatCount(progress.pages_fetched)} pages · ${formatCount(progress.records_staged)} staged · ${formatCount(progress.matched)} matched${progress.events_recovered ? ` · ${progress.events_recovered} events recovered` : ""}`}
      </span>
      <span className="text-xs text-zinc-500 dark:text-zinc-400">
        {[...changes, `took ${formatDuration(progress.elapsed_ms)}`].join(" · ")}
      </span>
      {warnings}
    </div>
  );
}
