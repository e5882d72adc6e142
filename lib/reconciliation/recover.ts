import "server-only";
import { rawSql } from "@/db";
import { storeEvents } from "@/lib/inbox/store";
import type { ProviderName } from "@/lib/providers/types";
import type { NormalisedEvent } from "@/lib/providers/types";
import { RECOVERABLE_KINDS, RECOVERED_RESOLUTION } from "@/lib/reconciliation-vocabulary";

type StagedEvent = { object_id: string; payload: Record<string, unknown>; discrepancy_ids: number[] };

/**
 * Missed-webhook recovery, after matching: the events the provider lists
 * that never reached us and that concern an object this run found missing or
 * behind on our books are stored now, marked recovered, for processing to
 * apply like any webhook. Each such finding keeps being a finding — finance
 * and ops must see that webhooks went missing — and says so: `details`
 * name the recovered events and its resolution reads "recovered". A later
 * run auto-resolves it once the records match.
 */
export async function recoverMissedEvents({
  runId,
  provider,
  normalise,
  onStep = async () => {},
}: {
  runId: number;
  provider: ProviderName;
  normalise: (payload: Record<string, unknown>) => NormalisedEvent | null;
  /** Hears each step, so the run's progress shows where recovery is. */
  onStep?: (step: { step: string; done: number; total: number }) => Promise<void>;
}): Promise<number> {
  const sql = rawSql();
  const staged = await sql<StagedEvent[]>`
    select e.object_id, e.payload, array_agg(distinct d.id order by d.id) as discrepancy_ids
    from reconciliation_staged e
    join discrepancy_sightings ds on ds.run_id = e.run_id
    join discrepancies d on d.id = ds.discrepancy_id and d.status = 'open'
      and d.kind = any(${RECOVERABLE_KINDS})
      and d.object_id in (e.source, e.payment_intent_id, e.charge_id)
    where e.run_id = ${runId} and e.object_type = 'event' and e.payload is not null
    group by e.object_id, e.payload, e.created
    order by e.created, e.object_id`;
  if (staged.length === 0) return 0;

  const events = staged.flatMap((row) => normalise(row.payload) ?? []);
  await onStep({ step: "storing missed events", done: 0, total: events.length });
  const { stored } = await storeEvents({
    provider,
    events,
    // Recovered events had no delivery: the payload is the provider's own copy of the event.
    rawBody: "",
    headers: { "x-tally-recovered-by": `reconciliation-run:${runId}` },
    recovered: true,
  });
  const storedIds = new Set(stored.map((row) => row.providerEventId));
  const eventsByDiscrepancy = new Map<number, string[]>();
  for (const row of staged) {
    // A duplicate that arrived meanwhile is not ours to claim as recovered.
    if (!storedIds.has(row.object_id)) continue;
    for (const id of row.discrepancy_ids)
      eventsByDiscrepancy.set(id, [...(eventsByDiscrepancy.get(id) ?? []), row.object_id]);
  }
  await onStep({ step: "marking findings recovered", done: storedIds.size, total: events.length });
  if (eventsByDiscrepancy.size === 0) return 0;
  const marks = [...eventsByDiscrepancy].map(([id, recovered]) => ({ id, recovered }));
  await sql`
    update discrepancies d set
      details = d.details || jsonb_build_object('recovered', true,
        'recovered_events', coalesce(d.details->'recovered_events', '[]'::jsonb) || m.recovered),
      resolution = ${RECOVERED_RESOLUTION},
      updated_at = now()
    from jsonb_to_recordset(${JSON.stringify(marks)}::jsonb) as m(id bigint, recovered jsonb)
    where d.id = m.id and d.status = 'open'`;
  return storedIds.size;
}
