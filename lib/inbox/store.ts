import "server-only";
import { rawSql } from "@/db";
import { AppError } from "@/lib/errors";
import type { NormalisedEvent, ProviderName } from "@/lib/providers/types";
import { wakeWorkers } from "./wake";

export { EVENTS_CHANNEL } from "./wake";

export type StoredEvents = {
  stored: { id: number; providerEventId: string }[];
  duplicates: number;
};

/**
 * Stores a delivery's events in one statement and commits before returning.
 * The unique (provider, account, event id) index makes concurrent duplicate
 * deliveries collapse to one row. Workers are woken after the commit.
 */
export async function storeEvents(input: {
  provider: ProviderName;
  events: readonly NormalisedEvent[];
  rawBody: string;
  headers: Record<string, string>;
  recovered?: boolean;
  /** Give up (503) after this long: a reply must come before the provider's own timeout. */
  deadlineMs?: number;
}): Promise<StoredEvents> {
  if (input.events.length === 0) return { stored: [], duplicates: 0 };
  const sql = rawSql();
  // JSON goes over the wire as text and is cast in SQL: Drizzle owns this client's json serializers.
  const headers = JSON.stringify(input.headers);
  const recovered = input.recovered ?? false;
  const rows = input.events.map(
    (event) => sql`(
      ${input.provider}, ${event.account}, ${event.providerEventId}, ${event.type},
      ${event.objectId}, ${event.objectType}, ${event.handled ? "pending" : "ignored"},
      ${event.providerCreatedAt?.toISOString() ?? null}, ${JSON.stringify(event.payload)}::jsonb,
      ${input.rawBody}, ${headers}::jsonb, ${event.livemode ?? null}, ${recovered}
    )`,
  );
  const values = rows.reduce((list, row) => sql`${list}, ${row}`);
  const insert = sql<{ id: string; provider_event_id: string; status: string }[]>`
    with ins as (
      insert into events (
        provider, account, provider_event_id, type, object_id, object_type, status,
        provider_created_at, payload, raw_body, headers, livemode, recovered
      )
      values ${values}
      on conflict (provider, account, provider_event_id) do nothing
      returning id, provider_event_id, status
    )
    select id, provider_event_id, status from ins`;
  const inserted = input.deadlineMs ? await withDeadline(insert, input.deadlineMs) : await insert;
  if (inserted.some((row) => row.status === "pending")) wakeWorkers();
  return {
    stored: inserted.map((row) => ({ id: Number(row.id), providerEventId: row.provider_event_id })),
    duplicates: input.events.length - inserted.length,
  };
}

/**
 * While PostgreSQL is down, postgres.js fails the queries it is connecting
 * for at once but keeps queries waiting for a pool slot until it returns.
 * A delivery must get its 503 quickly instead: the provider retries it. If
 * the insert still commits later, the retry is answered as a duplicate.
 */
async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new AppError("unavailable", "Service temporarily unavailable: the database did not answer in time"),
        ),
      ms,
    );
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
