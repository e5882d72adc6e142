import type { Metadata } from "next";
import Link from "next/link";
import { AdyenReportUpload } from "@/components/reconciliation/adyen-report-upload";
import { MonthPicker } from "@/components/reconciliation/month-picker";
import { SettlementTable } from "@/components/reconciliation/settlement-table";
import { StatementUpload } from "@/components/reconciliation/statement-upload";
import { buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { hasRole } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { currentMonth, settlementReport } from "@/lib/reconciliation/settlement";
import { importStatementAction } from "./actions";
import { importAdyenReportAction } from "./adyen-report-actions";

export const metadata: Metadata = { title: "Payouts" };
export const dynamic = "force-dynamic";

export default async function PayoutsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { user } = await requirePageRole("viewer");
  const params = await searchParams;
  const month =
    typeof params.month === "string" && /^\d{4}-\d{2}$/.test(params.month) ? params.month : currentMonth();
  const report = await settlementReport({ month });
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
        {finance && (
          <Card title="Bank statement">
            <StatementUpload action={importStatementAction} />
          </Card>
        )}
        {finance && (
          <Card title="Adyen settlement details report">
            <AdyenReportUpload action={importAdyenReportAction} />
          </Card>
        )}
      </div>
    </>
  );
}
