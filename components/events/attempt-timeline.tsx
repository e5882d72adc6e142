import { formatDuration, formatTime } from "@/components/ui/format";
import { cn } from "@/components/ui/cn";

export type AttemptView = {
  attempt: number;
  startedAt: string;
  outcome: string;
  error: string | null;
  durationMs: number;
  workerId: string | null;
};

export function AttemptTimeline({ attempts }: { attempts: AttemptView[] }) {
  if (attempts.length === 0) return <p className="text-sm text-zinc-500">No processing attempts yet.</p>;
  return (
    <ol
      className="relative ml-2 border-l border-zinc-300 dark:border-zinc-700"
      aria-label="Processing attempts"
    >
      {attempts.map((attempt) => {
        const failed = attempt.error != null || /fail|error|dead|retry/i.test(attempt.outcome);
        return (
          <li key={attempt.attempt} className="mb-4 ml-4">
            <span
              aria-hidden="true"
              className={cn(
                "absolute -left-1.5 mt-1.5 h-3 w-3 rounded-full",
                failed ? "bg-red-500" : "bg-emerald-500",
              )}
            />
            <p className="text-sm font-medium">
              Attempt {attempt.attempt}: {attempt.outcome}
            </p>
            <p className="text-xs text-zinc-500">
              {formatTime(attempt.startedAt)} · {formatDuration(attempt.durationMs)}
              {attempt.workerId ? ` · ${attempt.workerId}` : ""}
            </p>
            {attempt.error && (
              <pre className="mt-1 whitespace-pre-wrap break-words rounded bg-red-50 p-2 font-mono text-xs text-red-800 dark:bg-red-950 dark:text-red-200">
                {attempt.error}
              </pre>
            )}
          </li>
        );
      })}
    </ol>
  );
}
