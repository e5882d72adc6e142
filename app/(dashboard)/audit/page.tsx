import type { Metadata } from "next";
import { AuditFilters } from "@/components/audit/audit-filters";
import { AuditTable } from "@/components/audit/audit-table";
import { Pagination } from "@/components/data-table/pagination";
import { buttonClass } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/auth/session";
import { AUDIT_PAGE_SIZE, auditActions, listAuditPage, parseAuditQuery } from "@/lib/dashboard/audit";

export const metadata: Metadata = { title: "Audit log" };
export const dynamic = "force-dynamic";

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requirePageRole("viewer");
  const params = await searchParams;
  const query = parseAuditQuery(params);
  const [page, actions] = await Promise.all([listAuditPage({ query }), auditActions()]);
  const exportQuery = new URLSearchParams(
    Object.entries({
      action: query.action,
      actor: query.actor,
      target: query.target,
      from: params.from,
      to: params.to,
    }).flatMap(([key, value]) => (typeof value === "string" && value ? [[key, value]] : [])),
  );
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every operator, finance and admin action: who, what, when, to what and why."
        actions={
          <a href={`/audit/export?${exportQuery}`} className={buttonClass("secondary")} download>
            Export CSV
          </a>
        }
      />
      <AuditFilters actions={actions} />
      <AuditTable rows={page.rows.map((row) => ({ ...row, at: row.at.toISOString() }))} />
      <Pagination page={query.page} pageSize={AUDIT_PAGE_SIZE} hasMore={page.hasMore} />
    </>
  );
}
