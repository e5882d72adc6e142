import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AttemptTimeline } from "@/components/events/attempt-timeline";
import { JsonBlock } from "@/components/events/json-block";
import { ReplayButton } from "@/components/events/replay-button";
import { Card } from "@/components/ui/card";
import { formatTime } from "@/components/ui/format";
import { PageHeader } from "@/components/ui/page-header";
import { StatusBadge } from "@/components/ui/status-badge";
import { hasRole } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { getEventDetail } from "@/lib/events/queries";
import { getRecord, serializeRecord } from "@/lib/records/queries";
import { replayEventAction } from "../actions";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  return { title: `Event ${(await params).id}` };
}

const REPLAYABLE = new Set(["dead", "retrying", "processed", "ignored", "discarded"]);

export default async function EventPage({ params }: { params: Promise<{ id: string }> }) {
  const { user } = await requirePageRole("viewer");
  const { id: raw } = await params;
  const id = /^\d{1,15}$/.test(raw) ? Number(raw) : null;
  if (id == null) notFound();
  const detail = await getEventDetail({ id });
  if (!detail) notFound();
  const { event, attempts, related } = detail;
  const record = event.objectId
    ? await getRecord({ provider: event.provider, objectId: event.objectId })
    : null;
  const facts: [string, React.ReactNode][] = [
    ["Provider", event.provider + (event.account ? ` (${event.account})` : "")],
    [
      "Provider event id",
      <span key="pe" className="font-mono">
        {event.providerEventId}
      </span>,
    ],
    ["Type", event.type],
    [
      "Object",
      event.objectId ? (
        <span key="o" className="font-mono">
          {event.objectType ?? "object"} {event.objectId}
        </span>
      ) : (
        "—"
      ),
    ],
    ["Status", <StatusBadge key="s" status={event.status} />],
    ["Attempts", event.attempts],
    ["Created at provider", formatTime(event.providerCreatedAt)],
    ["Received", formatTime(event.receivedAt)],
    ["Processed", formatTime(event.processedAt)],
    ["Next attempt", event.status === "retrying" ? formatTime(event.nextAttemptAt) : "—"],
    ["Recovered by reconciliation", event.recovered ? "yes" : "no"],
  ];
  return (
    <>
      <PageHeader
        title={`Event ${event.id}`}
        description={
          <>
            <Link href="/events" className="text-indigo-700 hover:underline dark:text-indigo-300">
              ← All events
            </Link>
          </>
        }
      />
      {event.lastError && (
        <div
          role="alert"
          className="mb-4 rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100"
        >
          <p className="font-semibold">Why it failed</p>
          <pre className="mt-1 whitespace-pre-wrap break-words font-mono text-xs">{event.lastError}</pre>
        </div>
      )}
      <div className="grid gap-4 xl:grid-cols-3">
        <div className="flex flex-col gap-4 xl:col-span-2">
          <Card title="Details">
            <dl className="grid grid-cols-1 gap-x-4 gap-y-2 text-sm sm:grid-cols-2">
              {facts.map(([label, value]) => (
                <div key={label}>
                  <dt className="text-xs text-zinc-500">{label}</dt>
                  <dd>{value}</dd>
                </div>
              ))}
            </dl>
          </Card>
          <Card title="Payload">
            {event.payloadPrunedAt ? (
              <p className="text-sm text-zinc-500">Pruned on {formatTime(event.payloadPrunedAt)}.</p>
            ) : (
              <JsonBlock value={event.payload} label="Raw payload" />
            )}
          </Card>
          <Card title="Headers">
            <JsonBlock value={event.headers} label="Request headers" />
          </Card>
        </div>
        <div className="flex flex-col gap-4">
          <Card title="Replay">
            {hasRole(user.role, "operator") ? (
              REPLAYABLE.has(event.status) ? (
                <ReplayButton eventId={event.id} action={replayEventAction} />
              ) : (
                <p className="text-sm text-zinc-500">This event is {event.status}; the worker has it.</p>
              )
            ) : (
              <p className="text-sm text-zinc-500">Replaying needs the operator role.</p>
            )}
          </Card>
          <Card title="Attempts">
            <AttemptTimeline
              attempts={attempts.map((attempt) => ({
                attempt: attempt.attempt,
                startedAt: attempt.startedAt.toISOString(),
                outcome: attempt.outcome,
                error: attempt.error,
                durationMs: attempt.durationMs,
                workerId: attempt.workerId,
              }))}
            />
          </Card>
          <Card title="Internal record">
            {record ? (
              <JsonBlock value={serializeRecord(record)} label="Internal record" />
            ) : (
              <p className="text-sm text-zinc-500">No internal record for this object (yet).</p>
            )}
          </Card>
          <Card title={`Events for ${event.objectId ?? "this object"}`}>
            {related.length === 0 ? (
              <p className="text-sm text-zinc-500">No object id.</p>
            ) : (
              <ol className="flex flex-col gap-1 text-sm">
                {related.map((other) => (
                  <li key={other.id} className="flex items-center justify-between gap-2">
                    <Link
                      href={`/events/${other.id}`}
                      aria-current={other.id === event.id ? "page" : undefined}
                      className={
                        other.id === event.id
                          ? "font-semibold"
                          : "text-indigo-700 hover:underline dark:text-indigo-300"
                      }
                    >
                      {other.type}
                    </Link>
                    <span className="flex items-center gap-2 text-xs text-zinc-500">
                      {formatTime(other.providerCreatedAt ?? other.receivedAt)}{" "}
                      <StatusBadge status={other.status} />
                    </span>
                  </li>
                ))}
              </ol>
            )}
          </Card>
        </div>
      </div>
    </>
  );
}
