import Link from "next/link";
import { cn } from "@/components/ui/cn";
import { TIME_RANGES, type TimeRangeKey } from "@/lib/dashboard/range";

export function RangePicker({ current }: { current: TimeRangeKey }) {
  return (
    <nav
      aria-label="Time range"
      className="inline-flex overflow-hidden rounded-md border border-zinc-300 dark:border-zinc-700"
    >
      {(Object.keys(TIME_RANGES) as TimeRangeKey[]).map((key) => (
        <Link
          key={key}
          href={`/?range=${key}`}
          aria-current={key === current ? "true" : undefined}
          title={TIME_RANGES[key].label}
          className={cn(
            "px-2.5 py-1 text-sm",
            key === current ? "bg-indigo-600 text-white" : "hover:bg-zinc-100 dark:hover:bg-zinc-800",
          )}
        >
          {key}
        </Link>
      ))}
    </nav>
  );
}
