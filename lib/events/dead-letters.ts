import "server-only";
import { rawSql } from "@/db";
import { sumByCurrency, type MoneyByCurrency } from "@/lib/money";

/**
 * SQL expressions that read a payment amount and currency out of a stored
 * payload, whichever provider shape it has (Stripe `data.object`, Adyen
 * `amount.value`). Guarded so a non-numeric value yields null instead of an error.
 */
const PAYLOAD_AMOUNT_SQL = `(case when coalesce(payload #>> '{data,object,amount}', payload #>> '{amount,value}') ~ '^-?[0-9]{1,17}$'
  then coalesce(payload #>> '{data,object,amount}', payload #>> '{amount,value}')::bigint end)`;
const PAYLOAD_CURRENCY_SQL = `lower(coalesce(payload #>> '{data,object,currency}', payload #>> '{amount,currency}'))`;

/**
 * Errors differ only in ids and numbers from one event to the next; the
 * fingerprint masks those so the same failure groups together.
 */
const NORMALISED_ERROR_SQL = `regexp_replace(regexp_replace(coalesce(last_error, '(no error recorded)'), '\\m[a-z]{2,6}_[A-Za-z0-9_]+', '<id>', 'g'), '[0-9]+', 'N', 'g')`;

export type DeadLetter = {
  id: number;
  providerEventId: string;
  objectId: string | null;
  receivedAt: string;
  attempts: number;
  lastError: string | null;
  amount: number | null;
  currency: string | null;
};

export type DeadLetterGroup = {
  fingerprint: string;
  provider: string;
  type: string;
  error: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  money: MoneyByCurrency;
  events: DeadLetter[];
};

// A page shows this many events per group; bulk actions beyond that go by filter through the API.
const EVENTS_PER_GROUP = 200;

/** Dead letters grouped by error fingerprint (error × type × provider), biggest group first. */
export async function listDeadLetterGroups(): Promise<DeadLetterGroup[]> {
  const sql = rawSql();
  const rows = await sql.unsafe<
    {
      fingerprint: string;
      provider: string;
      type: string;
      error: string;
      id: string;
      provider_event_id: string;
      object_id: string | null;
      received_at: Date;
      attempts: number;
      last_error: string | null;
      amount: string | null;
      currency: string | null;
      group_count: string;
      first_seen: Date;
      last_seen: Date;
      rank: string;
    }[]
  >(`
    with dead as (
      select id, provider, type, provider_event_id, object_id, received_at, attempts, last_error,
        ${NORMALISED_ERROR_SQL} as error,
        ${PAYLOAD_AMOUNT_SQL} as amount, ${PAYLOAD_CURRENCY_SQL} as currency
      from events where status = 'dead'
    ), grouped as (
      select *, md5(provider || '|' || type || '|' || error) as fingerprint,
        count(*) over w as group_count, min(received_at) over w as first_seen, max(received_at) over w as last_seen,
        row_number() over (partition by provider, type, error order by received_at desc, id desc) as rank
      from dead
      window w as (partition by provider, type, error)
    )
    select * from grouped where rank <= ${EVENTS_PER_GROUP}
    order by group_count desc, fingerprint, received_at desc, id desc`);

  const groups = new Map<string, DeadLetterGroup>();
  for (const row of rows) {
    let group = groups.get(row.fingerprint);
    if (!group) {
      group = {
        fingerprint: row.fingerprint,
        provider: row.provider,
        type: row.type,
        error: row.error,
        count: Number(row.group_count),
        firstSeen: new Date(row.first_seen).toISOString(),
        lastSeen: new Date(row.last_seen).toISOString(),
        money: [],
        events: [],
      };
      groups.set(row.fingerprint, group);
    }
    group.events.push({
      id: Number(row.id),
      providerEventId: row.provider_event_id,
      objectId: row.object_id,
      receivedAt: new Date(row.received_at).toISOString(),
      attempts: row.attempts,
      lastError: row.last_error,
      amount: row.amount == null ? null : Number(row.amount),
      currency: row.currency,
    });
  }
  for (const group of groups.values()) group.money = sumByCurrency(group.events);
  return [...groups.values()];
}

/** How many of these events are still dead letters and how much money they carry, for confirmations. */
export async function summarizeDeadLetters({ ids }: { ids: number[] }) {
  if (ids.length === 0) return { count: 0, money: [] as MoneyByCurrency };
  const sql = rawSql();
  const rows = await sql.unsafe<{ amount: string | null; currency: string | null }[]>(
    `select ${PAYLOAD_AMOUNT_SQL} as amount, ${PAYLOAD_CURRENCY_SQL} as currency
     from events where status = 'dead' and id = any($1::bigint[])`,
    [ids],
  );
  return {
    count: rows.length,
    money: sumByCurrency(
      rows.map((row) => ({ amount: row.amount == null ? null : Number(row.amount), currency: row.currency })),
    ),
  };
}

/** Events in the dead-letter state now. */
export async function deadLetterCount(): Promise<number> {
  const sql = rawSql();
  const [row] = await sql<{ count: string }[]>`select count(*) as count from events where status = 'dead'`;
  return Number(row?.count ?? 0);
}

/**
 * Events that became dead letters within the last `windowMinutes` and are
 * still dead: how many, since when, and the commonest types. The time of
 * death is the last attempt (or the event's own timestamps when no attempt
 * was recorded).
 */
export async function recentDeadLetters({ windowMinutes }: { windowMinutes: number }) {
  const sql = rawSql();
  const [row] = await sql<{ count: number; since_ms: number | null; types: string | null }[]>`
    with dead as (
      select e.type,
        greatest(e.received_at, e.processed_at,
          (select max(a.finished_at) from event_attempts a where a.event_id = e.id)) as died_at
      from events e
      where e.status = 'dead'
    ), recent as (
      select * from dead where died_at > now() - make_interval(mins => ${windowMinutes})
    ), by_type as (
      select type, count(*) as n from recent group by type order by n desc, type limit 3
    )
    select (select count(*) from recent)::int as count,
      (select extract(epoch from min(died_at)) * 1000 from recent)::float8 as since_ms,
      (select string_agg(type || ' ×' || n, ', ' order by n desc, type) from by_type) as types`;
  return {
    count: row?.count ?? 0,
    since: row?.since_ms == null ? null : new Date(Number(row.since_ms)),
    topTypes: row?.types ?? null,
  };
}
