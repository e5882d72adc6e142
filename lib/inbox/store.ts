import "server-only";
import { rawSql } from "@/db";
import { AppError } from "@/lib/errors";
import type { NormalisedEvent, ProviderName } from "@/lib/providers/types";
import { groupCommit } from "./group-commit";
import { wakeWorkers } from "./wake";

export { EVENTS_CHANNEL } from "./wake";

export type StoredEvents = {
  stored: { id: number; providerEventId: string }[];
  duplicates: number;
};

type EventRow = {
  provider: ProviderName;
  event: NormalisedEvent;
  rawBody: string;
  headers: Record<string, string>;
  recovered: boolean;
};

const keyOf = (provider: string, account: string, providerEventId: string) =>
  `${provider}\u0000${account}\u0000${providerEventId}`;

/**
 * Inserts rows from any number of deliveries as one statement (one commit).
 * The rows travel as one JSON document unpacked by `json_to_recordset`, so
 * the statement text is the same for every batch size and stays prepared.
 * Returns, per row, its new id, or null when the event was already stored
 * (or repeated earlier in the batch, where the first copy wins).
 */
async function insertRows(rows: EventRow[]): Promise<({ id: number; status: string } | null)[]> {
  const sql = rawSql();
  const document = JSON.stringify(
    rows.map((row, position) => ({
      position,
      provider: row.provider,
      account: row.event.account,
      provider_event_id: row.event.providerEventId,
      type: row.event.type,
      object_id: row.event.objectId,
      object_type: row.event.objectType,
      status: row.event.handled ? "pending" : "ignored",
      provider_created_at: row.event.providerCreatedAt?.toISOString() ?? null,
      // PostgreSQL parses the raw body itself rather than receive the same JSON twice.
      payload: row.event.payloadIsBody ? null : row.event.payload,
      raw_body: row.rawBody,
      headers: row.headers,
      livemode: row.event.livemode ?? null,
      recovered: row.recovered,
    })),
  );
  const inserted = await sql<
    { id: string; provider: string; account: string; provider_event_id: string; status: string }[]
  >`
    insert into events (
      provider, account, provider_event_id, type, object_id, object_type, status,
      provider_created_at, payload, raw_body, headers, livemode, recovered
    )
    select provider, account, provider_event_id, type, object_id, object_type, status,
      provider_created_at, coalesce(payload, raw_body::jsonb), raw_body, headers, livemode, recovered
    from json_to_recordset(${document}::json) as input(
      position int, provider text, account text, provider_event_id text, type text,
      object_id text, object_type text, status text, provider_created_at timestamptz,
      payload jsonb, raw_body text, headers jsonb, livemode boolean, recovered boolean
    )
    order by position
    on conflict (provider, account, provider_event_id) do nothing
    returning id, provider, account, provider_event_id, status`;
  const byKey = new Map(
    inserted.map((row) => [
      keyOf(row.provider, row.account, row.provider_event_id),
      { id: Number(row.id), status: row.status },
    ]),
  );
  return rows.map((row) => {
    const key = keyOf(row.provider, row.event.account, row.event.providerEventId);
    const stored = byKey.get(key) ?? null;
    byKey.delete(key);
    return stored;
  });
}

/**
 * Concurrent deliveries share inserts: at most two statements are in flight
 * per process, and everything that arrives meanwhile goes in the next one.
 * One commit then makes a whole group of deliveries durable, where one
 * statement per delivery spent most of its time on round trips and flushes.
 */
const insertShared = groupCommit({ flush: insertRows, maxInFlight: 2, maxItems: 500 });

/**
 * Stores a delivery's events and commits before returning. The unique
 * (provider, account, event id) index makes concurrent duplicate deliveries
 * collapse to one row. Workers are woken after the commit.
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
  const headers = input.headers;
  const recovered = input.recovered ?? false;
  const rows = input.events.map((event) => ({
    provider: input.provider,
    event,
    rawBody: input.rawBody,
    headers,
    recovered,
  }));
  const insert = insertShared(rows);
  const results = input.deadlineMs ? await withDeadline(insert, input.deadlineMs) : await insert;
  if (results.some((result) => result?.status === "pending")) wakeWorkers();
  const stored = results.flatMap((result, index) =>
    result ? [{ id: result.id, providerEventId: input.events[index]!.providerEventId }] : [],
  );
  return { stored, duplicates: input.events.length - stored.length };
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
