import "server-only";
import type { TransactionSql } from "postgres";
import { orderKey } from "./order-key";
import { groupIdOf, type RecordSnapshot, type SnapshotSource } from "./snapshot";

const iso = (date: Date | null | undefined) => date?.toISOString() ?? null;

// Refund states that count towards a refunded total, in each provider's words.
const COUNTED_REFUND_STATES = `('pending', 'succeeded', 'refunded', 'SUCCEEDED')`;

// Columns a snapshot may leave unstated (null): each keeps the value of the
// greatest-keyed snapshot that did state it.
const STATED_COLUMNS = [
  "amount",
  "currency",
  "customer_id",
  "payment_id",
  "charge_id",
  "parent_id",
  "own_amount_refunded",
  "own_disputed",
  "fee",
  "net",
  "provider_created_at",
] as const;

// Order keys compare byte by byte, whatever the database's collation.
const greaterKey = (left: string, right: string) => `${left} collate "C" > ${right} collate "C"`;

// The incoming snapshot states this column and no greater-keyed snapshot has.
const wins = (column: string) =>
  `(excluded.${column} is not null and (records.field_keys->>'${column}' is null or ${greaterKey(
    "excluded.order_key",
    `(records.field_keys->>'${column}')`,
  )}))`;

const mergeColumn = (column: string) =>
  `${column} = case when ${wins(column)} then excluded.${column} else records.${column} end`;

const mergedFieldKeys = `records.field_keys || jsonb_strip_nulls(jsonb_build_object(${STATED_COLUMNS.map(
  (column) => `'${column}', case when ${wins(column)} then excluded.order_key end`,
).join(", ")}))`;

const newer = greaterKey("excluded.order_key", "records.order_key");

/**
 * Statements run as named prepared statements on the transaction's
 * connection: their text never depends on how many rows they carry (rows
 * travel as one jsonb array), so PostgreSQL parses and plans each once per
 * connection instead of once per chunk.
 */
const run = (tx: TransactionSql, text: string, params: (string | string[])[]) =>
  tx.unsafe(text, params, { prepare: true });

const UPSERT = `
    insert into records (
      provider, object_id, kind, status, amount, currency, customer_id, payment_id, charge_id,
      parent_id, own_amount_refunded, own_disputed, fee, net, provider_created_at,
      last_event_at, last_event_id, order_key, field_keys, data
    )
    select provider, object_id, kind, status, amount, currency, customer_id, payment_id, charge_id,
      parent_id, own_amount_refunded, own_disputed, fee, net, provider_created_at,
      last_event_at, last_event_id, order_key, field_keys, data
    from jsonb_to_recordset($1::jsonb) as s(
      provider text, object_id text, kind text, status text, amount bigint, currency text,
      customer_id text, payment_id text, charge_id text, parent_id text, own_amount_refunded bigint,
      own_disputed boolean, fee bigint, net bigint, provider_created_at timestamptz,
      last_event_at timestamptz, last_event_id text, order_key text, field_keys jsonb, data jsonb)
    on conflict (provider, object_id) do update set
      status = case when ${newer} then excluded.status else records.status end,
      ${STATED_COLUMNS.map(mergeColumn).join(",\n      ")},
      field_keys = ${mergedFieldKeys},
      last_event_at = case when ${newer} then excluded.last_event_at else records.last_event_at end,
      last_event_id = case when ${newer} then excluded.last_event_id else records.last_event_id end,
      data = case when ${newer} then excluded.data else records.data end,
      order_key = case when ${newer} then excluded.order_key else records.order_key end,
      updated_at = now()`;

export type SourcedSnapshot = { snapshot: RecordSnapshot; source: SnapshotSource };

function rowOf({ snapshot, source }: SourcedSnapshot) {
  const key = orderKey(snapshot, source);
  const stated = {
    amount: snapshot.amount,
    currency: snapshot.currency,
    customer_id: snapshot.customerId ?? null,
    payment_id: groupIdOf(snapshot),
    charge_id: snapshot.chargeId ?? null,
    parent_id: snapshot.parentId ?? null,
    own_amount_refunded: snapshot.ownAmountRefunded ?? null,
    own_disputed: snapshot.ownDisputed ?? null,
    fee: snapshot.fee ?? null,
    net: snapshot.net ?? null,
    provider_created_at: iso(snapshot.providerCreatedAt),
  };
  const fieldKeys = Object.fromEntries(
    Object.entries(stated)
      .filter(([, value]) => value !== null)
      .map(([column]) => [column, key]),
  );
  return {
    provider: snapshot.provider,
    object_id: snapshot.objectId,
    kind: snapshot.kind,
    status: snapshot.status,
    ...stated,
    last_event_at: iso(source.occurredAt),
    last_event_id: source.eventId,
    order_key: key,
    field_keys: fieldKeys,
    data: snapshot.data,
  };
}

/**
 * Splits snapshots into rounds in which no object appears twice (one upsert
 * cannot touch a row twice): round n holds each object's n-th snapshot, in
 * the order given.
 */
function rounds(snapshots: SourcedSnapshot[]): SourcedSnapshot[][] {
  const seen = new Map<string, number>();
  const result: SourcedSnapshot[][] = [];
  for (const item of snapshots) {
    const object = `${item.snapshot.provider}\u0000${item.snapshot.objectId}`;
    const round = seen.get(object) ?? 0;
    seen.set(object, round + 1);
    (result[round] ??= []).push(item);
  }
  return result;
}

/**
 * Applies snapshots, one multi-row upsert per round. The row's state (status,
 * data, last event) is that of the snapshot with the greatest order key
 * (lib/records/order-key.ts), and each other column holds the value of the
 * greatest-keyed snapshot that stated it — so every column is a maximum over
 * the snapshots seen, and the row depends neither on the order they arrive in
 * nor on how they are grouped into statements or transactions.
 */
export async function applySnapshots({
  tx,
  snapshots,
}: {
  tx: TransactionSql;
  snapshots: SourcedSnapshot[];
}): Promise<void> {
  for (const round of rounds(snapshots)) await run(tx, UPSERT, [JSON.stringify(round.map(rowOf))]);
}

// The groups travel as two arrays: PostgreSQL estimates unnest() from the
// array (10 rows when it plans generically), where jsonb_to_recordset() always
// claims 100. With 100 groups to look up, the planner preferred hashing the
// whole records table to 100 index probes below some 30,000 records, so each
// chunk (at low rates, each event) scanned every record: processing cost grew
// with the table until it saturated the machine.
const GROUPS = `(select distinct provider, payment_id from unnest($1::text[], $2::text[]) as g(provider, payment_id))`;

// Conditions on kind are written "(…) is true" so that they stay filters:
// with statistics taken while the table was small, the planner otherwise looks
// rows up through (provider, kind, provider_created_at) and walks every record
// of that kind. The lookups below go through the unique (provider, object_id),
// (provider, payment_id) and (provider, charge_id) indexes, so each statement's
// cost follows the groups' size, whatever the statistics say.
const CHARGE_TOTALS = `
    with totals as (
      select c.provider, c.object_id,
        -- A charge states its own refunded total as of its snapshot; refunds we hold may
        -- say more (a charge.refunded webhook was missed) — the greater is the truth so far.
        -- A refund that already existed at the charge's snapshot and failed after it was
        -- counted in that total, and the provider has since taken it back out.
        greatest(coalesce(c.own_amount_refunded, 0) - coalesce(r.failed_since, 0), coalesce(r.counted, 0))
          as refunded,
        coalesce(c.own_disputed, false) or coalesce(r.has_dispute, false) as disputed
      from ${GROUPS} g
      join records c on c.provider = g.provider and c.payment_id = g.payment_id and (c.kind = 'charge') is true
      cross join lateral (
        select
          sum(r.amount) filter (
            where r.kind = 'refund' and r.status = 'failed'
              and r.provider_created_at <= c.last_event_at and r.last_event_at > c.last_event_at) as failed_since,
          sum(r.amount) filter (where r.kind = 'refund' and r.status in ${COUNTED_REFUND_STATES}) as counted,
          bool_or(r.kind = 'dispute') as has_dispute
        from records r
        where r.provider = c.provider and r.charge_id = c.object_id and (r.kind in ('refund', 'dispute')) is true
      ) r
    )
    update records c set amount_refunded = t.refunded, disputed = t.disputed, updated_at = now()
    from totals t
    where c.provider = t.provider and c.object_id = t.object_id
      and (c.amount_refunded, c.disputed) is distinct from (t.refunded, t.disputed)`;

// Runs after CHARGE_TOTALS and reads the charges' totals it has just written.
const PAYMENT_TOTALS = `
    with totals as (
      select g.provider, g.payment_id, m.has_charges, m.charges_refunded, m.refunds, m.disputed
      from ${GROUPS} g
      cross join lateral (
        select
          count(*) filter (where m.kind = 'charge') > 0 as has_charges,
          coalesce(sum(m.amount_refunded) filter (where m.kind = 'charge'), 0) as charges_refunded,
          coalesce(sum(m.amount) filter (where m.kind = 'refund' and m.status in ${COUNTED_REFUND_STATES}), 0)
            as refunds,
          coalesce(bool_or(m.kind = 'dispute' or (m.kind = 'charge' and m.disputed)), false) as disputed
        from records m
        where m.provider = g.provider and m.payment_id = g.payment_id
      ) m
    )
    update records p set
      amount_refunded = case when t.has_charges then t.charges_refunded else t.refunds end,
      disputed = t.disputed,
      updated_at = now()
    from totals t
    where p.provider = t.provider and p.object_id = t.payment_id and (p.kind = 'payment') is true`;

export type PaymentGroup = { provider: string; paymentId: string };

/**
 * Re-derives refunded totals and dispute flags for payment groups from the
 * current snapshots of their charges, refunds and disputes. Being a function
 * of the snapshots alone, it inherits their order independence. Callers hold
 * the groups' locks, so no concurrent change to a group is missed.
 *
 * Each statement reads the groups' rows through their indexes (see above),
 * so its cost follows the groups' size, not the table's.
 */
export async function recomputePaymentGroups({
  tx,
  groups,
}: {
  tx: TransactionSql;
  groups: PaymentGroup[];
}): Promise<void> {
  if (groups.length === 0) return;
  const lists = [groups.map((group) => group.provider), groups.map((group) => group.paymentId)];
  await run(tx, CHARGE_TOTALS, lists);
  await run(tx, PAYMENT_TOTALS, lists);
}
