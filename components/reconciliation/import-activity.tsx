import type { ActionResult } from "@/components/ui/action-result";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { formatTime } from "@/components/ui/format";
import { ProgressBar } from "@/components/ui/progress-bar";
import type { ImportProgress } from "@/lib/imports/queries";
import { AdyenReportUpload } from "./adyen-report-upload";
import { StatementUpload } from "./statement-upload";

const STATUS_TONES: Record<ImportProgress["status"], string> = {
  running: "bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-200",
  succeeded: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200",
  failed: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200",
  interrupted: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
};

function ImportRow({ item }: { item: ImportProgress }) {
  const { label } = item;
  return (
    <li
      className="flex flex-col gap-2 py-3 first:pt-0 last:pb-0"
      aria-label={`${label} import ${item.id}`}
      data-status={item.status}
    >
      <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
        <span className="font-medium">
          {label} <span className="text-zinc-500">#{item.id}</span>
        </span>
        <span className="flex items-center gap-2 text-xs text-zinc-500">
          {item.startedBy} · {formatTime(item.startedAt)}
          <span className={cn("rounded px-1.5 py-0.5 font-medium", STATUS_TONES[item.status])}>
            {item.status}
          </span>
        </span>
      </div>
      <ProgressBar
        stage={item.stage}
        done={item.done}
        total={item.total}
        elapsedMs={item.elapsedMs}
        approximate={item.approximate}
      />
      {item.message && (
        <p
          className={cn(
            "text-sm",
            item.status === "succeeded" ? "text-zinc-700 dark:text-zinc-300" : "text-red-700",
          )}
        >
          {item.message}
        </p>
      )}
    </li>
  );
}

/**
 * The payouts page's imports: the upload forms (finance) and the progress of
 * imports running now or finished within the hour, whoever started them.
 * The page's client side sends the files and keeps `imports` current.
 */
export function ImportActivity({
  imports,
  canImport,
  uploadStatement,
  uploadAdyenReport,
}: {
  imports: ImportProgress[];
  canImport: boolean;
  uploadStatement: (file: File, params: { currency: string }) => Promise<ActionResult>;
  uploadAdyenReport: (file: File) => Promise<ActionResult>;
}) {
  return (
    <>
      {canImport && (
        <Card title="Bank statement">
          <StatementUpload upload={uploadStatement} />
        </Card>
      )}
      {canImport && (
        <Card title="Adyen settlement details report">
          <AdyenReportUpload upload={uploadAdyenReport} />
        </Card>
      )}
      <Card title="Imports">
        {imports.length === 0 ? (
          <p className="text-sm text-zinc-500">No import is running or finished within the last hour.</p>
        ) : (
          <ul className="divide-y divide-zinc-200 dark:divide-zinc-800" aria-label="Imports">
            {imports.map((item) => (
              <ImportRow key={item.id} item={item} />
            ))}
          </ul>
        )}
      </Card>
    </>
  );
}
