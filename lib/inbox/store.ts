import "server-only";
import { rawSql } from "@/db";
import type { NormalisedEvent, ProviderName } from "@/lib/providers/types";

export const EVENTS_CHANNEL = "tally_events";

export type StoredEvents = {
  stored: { id: number; providerEventId: string }[];
  duplicates: number;
};

/**
 * Stores a delivery's events in one statement and commits before returning.
 * The unique (provider, account, event id) index makes concurrent duplicate
 * deliveries collapse to one row; the NOTIFY rides the same commit.
 */
export async function storeEvents(input: {
  provider: ProviderName;
  events: readonly NormalisedEvent[];
  rawBody: string;
  headers: Record<string, string>;
  recovered?: boolean;
}): Promise<StoredEvents> {
  if (input.events.length === 0) return { stored: [], duplicates: 0 };
  const sql = rawSql();
  const rows = input.events.map((event) => ({
    provider: input.provider,
    account: event.account,
    provider_event_id: event.providerEventId,
    type: event.type,
    object_id: event.objectId,
    object_type: event.objectType,
    status: event.handled ? "pending" : "ignored",
    provider_created_at: event.providerCreatedAt?.toISOString() ?? null,
    payload: sql.json(event.payload as Parameters<typeof sql.json>[0]),
    raw_body: input.rawBody,
    headers: sql.json(input.headers),
    livemode: event.livemode ?? null,
    recovered: input.recovered ?? false,
  }));
  const inserted = await sql<{ id: string; provider_event_id: string }[]>`
    with ins as (
      insert into events ${sql(rows)}
      on conflict (provider, account, provider_event_id) do nothing
      returning id, provider_event_id, status
    )
    select id, provider_event_id,
      case when status = 'pending' then pg_notify(${EVENTS_CHANNEL}, '') end as notified
    from ins`;
  return {
    stored: inserted.map((row) => ({ id: Number(row.id), providerEventId: row.provider_event_id })),
    duplicates: input.events.length - inserted.length,
  };
}
