import type { Metadata } from "next";
import { Pagination } from "@/components/data-table/pagination";
import { DiscrepanciesTable } from "@/components/reconciliation/discrepancies-table";
import { DiscrepancyFilters } from "@/components/reconciliation/discrepancy-filters";
import { Alert } from "@/components/ui/alert";
import { buttonClass } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/auth/session";
import { isAppError } from "@/lib/errors";
import { formatMoneyList } from "@/lib/money";
import { listDiscrepancies } from "@/lib/reconciliation/discrepancies";
import { openDiscrepancyTotals } from "@/lib/reconciliation/discrepancy-queries";
import { discrepancyFiltersFrom } from "@/lib/reconciliation/page-query";

export const metadata: Metadata = { title: "Discrepancies" };
export const dynamic = "force-dynamic";

const PAGE_SIZE = 50;

export default async function DiscrepanciesPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requirePageRole("viewer");
  const params = await searchParams;
  const { page, ...filters } = discrepancyFiltersFrom(params);
  const open = await openDiscrepancyTotals();
  let result;
  try {
    result = await listDiscrepancies({ ...filters, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
  } catch (error) {
    if (!isAppError(error)) throw error;
    return (
      <>
        <PageHeader title="Discrepancies" />
        <DiscrepancyFilters />
        <Alert tone="error">{error.message}</Alert>
      </>
    );
  }
  const exportQuery = new URLSearchParams(
    Object.entries(params).flatMap(([key, value]) =>
      typeof value === "string" && value && key !== "page" ? [[key, value]] : [],
    ),
  );
  return (
    <>
      <PageHeader
        title="Discrepancies"
        description="Where the provider's books and ours disagree. Expected is the provider's value, actual is ours."
        actions={
          <a href={`/discrepancies/export?${exportQuery}`} className={buttonClass("secondary")} download>
            Export CSV
          </a>
        }
      />
      <p className="mb-3 text-sm" data-testid="open-at-risk">
        {open.count === 0
          ? "Nothing open."
          : `${open.count} open, at risk: ${formatMoneyList(open.amountAtRisk) || "nothing"}`}
      </p>
      <DiscrepancyFilters />
      <DiscrepanciesTable rows={result.data} />
      <Pagination
        page={page}
        pageSize={PAGE_SIZE}
        hasMore={result.next_cursor !== null}
        noun={["discrepancy", "discrepancies"]}
      />
    </>
  );
}
