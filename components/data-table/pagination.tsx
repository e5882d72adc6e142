"use client";

import { Button } from "@/components/ui/button";
import { formatCount } from "@/components/ui/format";
import { useUrlParams } from "./use-url-params";

export function Pagination({
  page,
  pageSize,
  total,
  totalCapped,
  hasMore,
  noun = ["event", "events"],
}: {
  page: number;
  pageSize: number;
  total?: number;
  totalCapped?: boolean;
  hasMore?: boolean;
  noun?: [string, string];
}) {
  const { update } = useUrlParams();
  const pages = total == null ? undefined : Math.max(1, Math.ceil(total / pageSize));
  const canNext = hasMore ?? (pages != null && page < pages);
  return (
    <nav aria-label="Pagination" className="mt-3 flex items-center justify-between gap-2 text-sm">
      <span className="text-zinc-600 dark:text-zinc-400" data-testid="result-count">
        {total != null
          ? `${formatCount(total)}${totalCapped ? "+" : ""} ${total === 1 ? noun[0] : noun[1]}`
          : ""}
        {pages != null && ` · page ${page} of ${formatCount(pages)}${totalCapped ? "+" : ""}`}
      </span>
      <div className="flex gap-2">
        <Button variant="secondary" disabled={page <= 1} onClick={() => update({ page: String(page - 1) })}>
          Previous
        </Button>
        <Button variant="secondary" disabled={!canNext} onClick={() => update({ page: String(page + 1) })}>
          Next
        </Button>
      </div>
    </nav>
  );
}
