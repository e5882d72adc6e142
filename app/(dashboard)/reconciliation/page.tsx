import type { Metadata } from "next";
import { AutoRefresh } from "@/components/overview/auto-refresh";
import { RunForm } from "@/components/reconciliation/run-form";
import { RunsTable } from "@/components/reconciliation/runs-table";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { hasRole } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { hasActiveRuns, listRuns } from "@/lib/reconciliation/runs";
import { startRunAction } from "./actions";

export const metadata: Metadata = { title: "Reconciliation" };
export const dynamic = "force-dynamic";

export default async function ReconciliationPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { user } = await requirePageRole("viewer");
  const params = await searchParams;
  const provider = typeof params.provider === "string" && params.provider ? params.provider : undefined;
  const [runs, active] = await Promise.all([listRuns({ provider, limit: 100 }), hasActiveRuns()]);
  return (
    <>
      <PageHeader
        title="Reconciliation"
        description="Runs that pull the provider's books and match them against ours. Scheduled daily, weekly and monthly; finance can start one for any period."
        actions={active ? <AutoRefresh seconds={1} /> : undefined}
      />
      <div className="flex flex-col gap-4">
        {hasRole(user.role, "finance") && (
          <Card title="Start a run">
            <RunForm action={startRunAction} />
          </Card>
        )}
        <RunsTable rows={runs.data} />
      </div>
    </>
  );
}
