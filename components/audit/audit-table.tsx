import { formatTime } from "@/components/ui/format";

export type AuditRowView = {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
};

/** Who did what, when, to what and why (the reason lives in details). */
export function AuditTable({ rows }: { rows: AuditRowView[] }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-zinc-200 dark:border-zinc-800">
      <table
        className="min-w-full divide-y divide-zinc-200 text-sm dark:divide-zinc-800"
        data-testid="audit-table"
      >
        <caption className="sr-only">Audit log</caption>
        <thead className="bg-zinc-50 dark:bg-zinc-900">
          <tr>
            {["When", "Who", "Did", "To", "Why / details"].map((heading) => (
              <th
                key={heading}
                scope="col"
                className="px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-zinc-600 dark:text-zinc-400"
              >
                {heading}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {rows.length === 0 ? (
            <tr>
              <td colSpan={5} className="px-3 py-8 text-center text-zinc-500">
                No audit entries match.
              </td>
            </tr>
          ) : (
            rows.map((row) => {
              const { reason, ...rest } = row.details;
              return (
                <tr key={row.id}>
                  <td className="whitespace-nowrap px-3 py-1.5">{formatTime(row.at)}</td>
                  <td className="px-3 py-1.5 font-mono text-xs">{row.actor}</td>
                  <td className="px-3 py-1.5">{row.action}</td>
                  <td className="px-3 py-1.5 font-mono text-xs">{row.target ?? "—"}</td>
                  <td className="px-3 py-1.5 text-xs">
                    {typeof reason === "string" && <p className="font-medium">“{reason}”</p>}
                    {Object.keys(rest).length > 0 && (
                      <code className="break-all text-zinc-600 dark:text-zinc-400">
                        {JSON.stringify(rest)}
                      </code>
                    )}
                  </td>
                </tr>
              );
            })
          )}
        </tbody>
      </table>
    </div>
  );
}
