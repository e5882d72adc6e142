import type { Metadata } from "next";
import Link from "next/link";
import { MonthPicker } from "@/components/reconciliation/month-picker";
import { SettlementTable } from "@/components/reconciliation/settlement-table";
import { buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { hasRole } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { listRecentImports } from "@/lib/imports/queries";
import { currentMonth, settlementReport } from "@/lib/reconciliation/settlement";
import { ImportsLive } from "./imports-live";

export const metadata: Metadata = { title: "Payouts" };
export const dynamic = "force-dynamic";

export default async function PayoutsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { user, principal } = await requirePageRole("viewer");
  const params = await searchParams;
  const month =
    typeof params.month === "string" && /^\d{4}-\d{2}$/.test(params.month) ? params.month : currentMonth();
  const [report, imports] = await Promise.all([
    settlementReport({ month }),
    listRecentImports({ principal }),
  ]);
  const finance = hasRole(user.role, "finance");
  return (
    <>
      <PageHeader
        title="Payouts"
        description="Settlement: each payout against the transactions it paid out and the bank deposit it became."
        actions={
          <>
            <MonthPicker month={month} />
            {finance && (
              <>
                <Link href={`/payouts/report?month=${month}`} className={buttonClass("secondary")}>
                  Printable report
                </Link>
                <a href={`/payouts/export?month=${month}`} className={buttonClass("secondary")} download>
                  Export CSV
                </a>
              </>
            )}
          </>
        }
      />
      <div className="flex flex-col gap-4">
        <Card>
          <SettlementTable report={report} />
        </Card>
        <ImportsLive initial={imports} canImport={finance} />
      </div>
    </>
  );
}
