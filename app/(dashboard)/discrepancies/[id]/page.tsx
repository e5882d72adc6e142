import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { JsonBlock } from "@/components/events/json-block";
import { DiscrepancyActions } from "@/components/reconciliation/discrepancy-actions";
import { ReconciliationStatus } from "@/components/reconciliation/discrepancy-status";
import { kindLabel } from "@/components/reconciliation/labels";
import { SideBySide } from "@/components/reconciliation/side-by-side";
import { Card } from "@/components/ui/card";
import { formatTime } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { StatusBadge } from "@/components/ui/status-badge";
import { hasRole } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { formatMoney } from "@/lib/money";
import { isAppError } from "@/lib/errors";
import { getDiscrepancy } from "@/lib/reconciliation/discrepancies";
import { discrepancyContext } from "@/lib/reconciliation/object-context";
import { RECOVERED_RESOLUTION } from "@/lib/reconciliation-vocabulary";
import {
  assignAction,
  backfillAction,
  commentAction,
  ignoreAction,
  recheckAction,
  reopenAction,
  resolveAction,
} from "../actions";

export const metadata: Metadata = { title: "Discrepancy" };
export const dynamic = "force-dynamic";

async function load(id: number) {
  try {
    return await getDiscrepancy({ id });
  } catch (error) {
    if (isAppError(error) && error.code === "not_found") notFound();
    throw error;
  }
}

export default async function DiscrepancyPage({ params }: { params: Promise<{ id: string }> }) {
  const { user } = await requirePageRole("viewer");
  const id = Number((await params).id);
  if (!Number.isSafeInteger(id) || id <= 0) notFound();
  const discrepancy = await load(id);
  const chargeId = typeof discrepancy.details.charge_id === "string" ? discrepancy.details.charge_id : "";
  const context = await discrepancyContext({
    provider: discrepancy.provider,
    objectIds: [discrepancy.object_id, chargeId],
  });
  const risk =
    discrepancy.currency == null ? "—" : formatMoney(discrepancy.amount_at_risk, discrepancy.currency);
  return (
    <>
      <PageHeader
        title={`${kindLabel(discrepancy.kind)} · ${discrepancy.object_id}`}
        description={
          <>
            <ReconciliationStatus status={discrepancy.status} /> · {discrepancy.provider} · at risk {risk} ·
            first seen {formatTime(discrepancy.first_seen_at)} · last seen{" "}
            {formatTime(discrepancy.last_seen_at)}
            {discrepancy.assignee ? ` · assigned to ${discrepancy.assignee}` : ""}
          </>
        }
        actions={
          <Link href="/discrepancies" className="text-sm text-indigo-700 underline dark:text-indigo-300">
            All discrepancies
          </Link>
        }
      />
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-3">
        <div className="flex flex-col gap-4 lg:col-span-2">
          <Card title="Provider vs ours">
            <SideBySide
              expected={discrepancy.expected}
              actual={discrepancy.actual}
              expectedAmount={discrepancy.expected_amount}
              actualAmount={discrepancy.actual_amount}
              currency={discrepancy.currency}
            />
            {discrepancy.resolution && (
              <p className="mt-3 text-sm">
                Resolution: <strong>{discrepancy.resolution}</strong>
                {discrepancy.resolution_note ? ` — ${discrepancy.resolution_note}` : ""}
                {discrepancy.resolved_by
                  ? ` (by ${discrepancy.resolved_by}, ${formatTime(discrepancy.resolved_at)})`
                  : discrepancy.resolution === RECOVERED_RESOLUTION
                    ? " — its webhooks never arrived; the run fetched the missed events from the provider for processing, and the next run confirms the records match"
                    : ""}
              </p>
            )}
          </Card>
          <Card title="Details">
            <JsonBlock value={discrepancy.details} label="Discrepancy details" />
          </Card>
          <Card title={`Events of ${[discrepancy.object_id, chargeId].filter(Boolean).join(" and ")}`}>
            {context.events.length === 0 ? (
              <p className="text-sm text-zinc-600 dark:text-zinc-400">We hold no events for this object.</p>
            ) : (
              <ol className="flex flex-col gap-1 text-sm">
                {context.events.map((event) => (
                  <li key={event.id} className="flex flex-wrap items-center gap-2">
                    <span className="font-mono text-xs text-zinc-500">
                      {formatTime(event.providerCreatedAt)}
                    </span>
                    <Link
                      href={`/events/${event.id}`}
                      className="text-indigo-700 underline dark:text-indigo-300"
                    >
                      {event.type}
                    </Link>
                    <StatusBadge status={event.status} />
                    {event.recovered && <span className="text-xs text-amber-700">recovered</span>}
                  </li>
                ))}
              </ol>
            )}
          </Card>
          <Card title="Our record">
            <JsonBlock value={context.record} label="Internal record" />
          </Card>
          <Card title="Comments">
            {discrepancy.comments.length === 0 ? (
              <p className="text-sm text-zinc-600 dark:text-zinc-400">No comments yet.</p>
            ) : (
              <ul className="flex flex-col gap-2 text-sm">
                {discrepancy.comments.map((comment) => (
                  <li key={comment.id}>
                    <p className="text-xs text-zinc-500">
                      {comment.author} · {formatTime(comment.at)}
                    </p>
                    <p className="whitespace-pre-wrap">{comment.body}</p>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </div>
        <div className="flex flex-col gap-4">
          <DiscrepancyActions
            id={discrepancy.id}
            status={discrepancy.status}
            assignee={discrepancy.assignee}
            canAct={hasRole(user.role, "finance")}
            actions={{
              resolve: resolveAction,
              ignore: ignoreAction,
              reopen: reopenAction,
              assign: assignAction,
              comment: commentAction,
              recheck: recheckAction,
              backfill: backfillAction,
            }}
          />
          <Card title="Seen by runs">
            <ul className="text-sm">
              {discrepancy.runs.map((run) => (
                <li key={run.run_id}>
                  <Link
                    href={`/discrepancies?run=${run.run_id}`}
                    className="text-indigo-700 underline dark:text-indigo-300"
                  >
                    Run #{run.run_id}
                  </Link>{" "}
                  <span className="text-xs text-zinc-500">{formatTime(run.seen_at)}</span>
                </li>
              ))}
            </ul>
          </Card>
        </div>
      </div>
    </>
  );
}
