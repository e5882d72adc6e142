import { cn } from "@/components/ui/cn";

const COLORS: Record<string, string> = {
  open: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
  resolved: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200",
  auto_resolved: "bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-200",
  ignored: "bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400",
  queued: "bg-zinc-100 text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200",
  running: "bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-200",
  succeeded: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200",
  failed: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200",
};

/** A discrepancy or run status, by word and colour (the word alone carries the meaning). */
export function ReconciliationStatus({ status }: { status: string }) {
  return (
    <span
      className={cn(
        "inline-block rounded px-1.5 py-0.5 text-xs font-medium",
        COLORS[status] ?? COLORS.queued,
      )}
    >
      {status.replace(/_/g, " ")}
    </span>
  );
}
