import type { Metadata } from "next";
import { AuditFilters } from "@/components/audit/audit-filters";
import { AuditTable } from "@/components/audit/audit-table";
import { Pagination } from "@/components/data-table/pagination";
import { buttonClass } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { AUDIT_PAGE_SIZE, auditActions, auditPageSchema, listAudit } from "@/lib/audit/queries";
import { requirePageRole } from "@/lib/auth/session";
import { parseSearchParams } from "@/lib/http/search-params";

export const metadata: Metadata = { title: "Audit log" };
export const dynamic = "force-dynamic";

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requirePageRole("viewer");
  const params = await searchParams;
  const { page, ...filters } = parseSearchParams(auditPageSchema, params);
  const [entries, actions] = await Promise.all([
    listAudit({ filters, limit: AUDIT_PAGE_SIZE, offset: (page - 1) * AUDIT_PAGE_SIZE }),
    auditActions(),
  ]);
  const exportQuery = new URLSearchParams(
    Object.entries({
      action: filters.action,
      actor: filters.actor,
      target: filters.target,
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
      <AuditTable rows={entries.data.map((row) => ({ ...row, at: row.at.toISOString() }))} />
      <Pagination page={page} pageSize={AUDIT_PAGE_SIZE} hasMore={entries.nextCursor !== null} />
    </>
  );
}
