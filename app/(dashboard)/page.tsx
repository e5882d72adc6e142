import type { Metadata } from "next";
import Link from "next/link";
import { LagChart } from "@/components/charts/lag-chart";
import { RejectedDeliveriesChart } from "@/components/charts/rejected-deliveries-chart";
import { VolumeByStatusChart } from "@/components/charts/volume-by-status-chart";
import { VolumeByTypeChart } from "@/components/charts/volume-by-type-chart";
import { AutoRefresh } from "@/components/overview/auto-refresh";
import { KpiTile } from "@/components/overview/kpi-tile";
import { RangePicker } from "@/components/overview/range-picker";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { formatCount, formatDuration } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageRole } from "@/lib/auth/session";
import { isRole } from "@/lib/auth/roles";
import { formatMoneyList } from "@/lib/money";
import {
  getLagSeries,
  getOverviewKpis,
  getRejectedSeries,
  getVolumeByStatus,
  getVolumeByType,
} from "@/lib/dashboard/overview";
import { resolveRange, TIME_RANGES } from "@/lib/dashboard/range";

export const metadata: Metadata = { title: "Overview" };
export const dynamic = "force-dynamic";

export default async function OverviewPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requirePageRole("viewer");
  const params = await searchParams;
  const range = resolveRange(params.range);
  const [kpis, byStatus, byType, lag, rejected] = await Promise.all([
    getOverviewKpis(),
    getVolumeByStatus({ range }),
    getVolumeByType({ range }),
    getLagSeries({ range }),
    getRejectedSeries({ range }),
  ]);
  const forbidden =
    typeof params.forbidden === "string" && isRole(params.forbidden) ? params.forbidden : null;
  return (
    <>
      <PageHeader
        title="Overview"
        description={`${TIME_RANGES[range.key].label}. Times in UTC.`}
        actions={
          <>
            <RangePicker current={range.key} />
            <AutoRefresh />
          </>
        }
      />
      {forbidden && (
        <div className="mb-4">
          <Alert tone="error">That page needs the {forbidden} role.</Alert>
        </div>
      )}
      <dl className="mb-6 grid grid-cols-2 gap-3 sm:grid-cols-3 xl:grid-cols-6" aria-label="Key figures">
        <KpiTile
          label="Events (24 h)"
          value={formatCount(kpis.eventsLast24h)}
          hint={`${formatCount(kpis.backlog)} waiting`}
        />
        <KpiTile
          label="Success rate"
          value={kpis.successRate == null ? "—" : `${(kpis.successRate * 100).toFixed(1)}%`}
          hint="processed ÷ (processed + failing), 24 h"
          tone={kpis.successRate != null && kpis.successRate < 0.99 ? "bad" : "good"}
        />
        <KpiTile label="Lag p50" value={formatDuration(kpis.lagP50Ms)} hint="last hour" />
        <KpiTile
          label="Lag p95"
          value={formatDuration(kpis.lagP95Ms)}
          hint="last hour"
          tone={(kpis.lagP95Ms ?? 0) > 60_000 ? "bad" : undefined}
        />
        <KpiTile
          label="Dead letters"
          value={
            <Link href="/dead-letters" className="hover:underline">
              {formatCount(kpis.deadLetters)}
            </Link>
          }
          tone={kpis.deadLetters > 0 ? "bad" : "good"}
        />
        <KpiTile
          label="Open discrepancies"
          value={
            <Link href="/discrepancies" className="hover:underline">
              {formatCount(kpis.openDiscrepancies)}
            </Link>
          }
          hint={
            kpis.amountAtRisk.length === 0
              ? "nothing at risk"
              : `at risk: ${formatMoneyList(kpis.amountAtRisk)}`
          }
          tone={kpis.openDiscrepancies > 0 ? "bad" : undefined}
        />
      </dl>
      <div className="grid gap-4 xl:grid-cols-2">
        <Card title="Event volume by status">
          <VolumeByStatusChart points={byStatus.points} keys={byStatus.keys} />
        </Card>
        <Card title="Event volume by provider and type">
          <VolumeByTypeChart points={byType.points} keys={byType.keys} />
        </Card>
        <Card title="Processing lag (received → processed)">
          <LagChart points={lag} />
        </Card>
        <Card title="Rejected deliveries">
          {rejected.keys.length === 0 ? (
            <p className="py-8 text-center text-sm text-zinc-500">No rejected deliveries in this range.</p>
          ) : (
            <RejectedDeliveriesChart points={rejected.points} keys={rejected.keys} />
          )}
        </Card>
      </div>
    </>
  );
}
