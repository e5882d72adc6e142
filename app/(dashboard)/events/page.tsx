import type { Metadata } from "next";
import { Pagination } from "@/components/data-table/pagination";
import { EventFilters } from "@/components/events/event-filters";
import { EventsTable } from "@/components/events/events-table";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/auth/session";
import { explorerFacets, listExplorerEvents, parseExplorerQuery } from "@/lib/events/explorer";

export const metadata: Metadata = { title: "Events" };
export const dynamic = "force-dynamic";

export default async function EventsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requirePageRole("viewer");
  const query = parseExplorerQuery(await searchParams);
  const [page, facets] = await Promise.all([listExplorerEvents({ query }), explorerFacets()]);
  const rows = page.rows.map((row) => ({
    ...row,
    receivedAt: row.receivedAt.toISOString(),
    processedAt: row.processedAt?.toISOString() ?? null,
  }));
  return (
    <>
      <PageHeader
        title="Events"
        description="Every verified delivery. Filter, sort and open one to see why it failed."
      />
      <EventFilters providers={facets.providers} types={facets.types} />
      <EventsTable rows={rows} sort={query.sort} dir={query.dir} />
      <Pagination page={query.page} pageSize={query.size} total={page.total} totalCapped={page.totalCapped} />
    </>
  );
}
