import Link from "next/link";
import { formatTime } from "@/components/ui/format";
import type { FiringAlert } from "@/lib/monitoring/alerts";

/** Firing alerts across the top of every dashboard page; renders nothing when all is well. */
export function AlertBanner({ alerts }: { alerts: FiringAlert[] }) {
  if (alerts.length === 0) return null;
  return (
    <section
      aria-label="Firing alerts"
      className="border-b border-red-300 bg-red-50 px-4 py-2 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100"
    >
      <p className="font-semibold">
        {alerts.length === 1 ? "1 alert firing" : `${alerts.length} alerts firing`}
      </p>
      <ul className="mt-1 flex flex-col gap-0.5">
        {alerts.map((alert) => (
          <li key={alert.id} data-testid={`alert-${alert.rule}`}>
            <Link href={alert.path} className="font-medium underline underline-offset-2">
              {alert.title}
              {alert.subject ? ` — ${alert.subject}` : ""}
            </Link>
            : {alert.summary} <span className="text-xs opacity-80">(since {formatTime(alert.since)})</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
