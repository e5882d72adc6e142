import type { Metadata } from "next";
import { SettlementTable } from "@/components/reconciliation/settlement-table";
import { formatTime } from "@/components/ui/format";
import { requirePageRole } from "@/lib/auth/session";
import { currentMonth, settlementReport } from "@/lib/reconciliation/settlement";

export const metadata: Metadata = { title: "Monthly settlement report" };
export const dynamic = "force-dynamic";

/** The month's settlement for the books: plain, printable (the browser's Print gives a PDF). */
export default async function SettlementReportPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { user } = await requirePageRole("finance");
  const params = await searchParams;
  const month =
    typeof params.month === "string" && /^\d{4}-\d{2}$/.test(params.month) ? params.month : currentMonth();
  const report = await settlementReport({ month });
  return (
    <article className="mx-auto max-w-5xl bg-white p-6 text-zinc-900 print:p-0">
      <header className="mb-4">
        <h1 className="text-2xl font-semibold">Settlement report · {month}</h1>
        <p className="text-sm text-zinc-600">
          Generated {formatTime(new Date())} by {user.email}. Amounts in each currency&apos;s own units; fees
          are the provider&apos;s actual fees on the paid-out transactions.
        </p>
      </header>
      <SettlementTable report={report} />
    </article>
  );
}
