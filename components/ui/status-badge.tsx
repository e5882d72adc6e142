import { cn } from "./cn";

const COLORS: Record<string, string> = {
  pending: "bg-zinc-100 text-zinc-800 dark:bg-zinc-800 dark:text-zinc-200",
  processing: "bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-200",
  processed: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200",
  retrying: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
  dead: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200",
  ignored: "bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400",
  discarded: "bg-violet-100 text-violet-800 dark:bg-violet-950 dark:text-violet-200",
};

/** An event status, by word and colour (the word alone carries the meaning). */
export function StatusBadge({ status }: { status: string }) {
  return (
    <span
      className={cn(
        "inline-block rounded px-1.5 py-0.5 text-xs font-medium",
        COLORS[status] ?? COLORS.pending,
      )}
    >
      {status}
    </span>
  );
}
