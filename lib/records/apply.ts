import "server-only";
import { sql } from "drizzle-orm";
import type { Transaction } from "@/db";
import { orderKey } from "./order-key";
import { groupIdOf, type RecordSnapshot, type SnapshotSource } from "./snapshot";

const iso = (date: Date | null | undefined) => date?.toISOString() ?? null;

// Refund states that count towards a refunded total, in each provider's words.
const COUNTED_REFUND_STATES = sql.raw(`('pending', 'succeeded', 'refunded', 'SUCCEEDED')`);

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

/**
 * Applies one snapshot. The row's state (status, data, last event) is that of
 * the snapshot with the greatest order key (lib/records/order-key.ts), and
 * each other column holds the value of the greatest-keyed snapshot that
 * stated it — so every column is a maximum over the snapshots seen, and the
 * row does not depend on the order they arrive in. Returns whether the
 * snapshot became the record's state.
 */
export async function applySnapshot(
  tx: Transaction,
  { snapshot, source }: { snapshot: RecordSnapshot; source: SnapshotSource },
): Promise<{ applied: boolean }> {
  const key = orderKey(snapshot, source);
  const values = {
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
    Object.entries(values)
      .filter(([, value]) => value !== null)
      .map(([column]) => [column, key]),
  );
  const newer = sql.raw(greaterKey("excluded.order_key", "records.order_key"));
  const result = await tx.execute<{ order_key: string }>(sql`
    insert into records (
      provider, object_id, kind, status, amount, currency, customer_id, payment_id, charge_id,
      parent_id, own_amount_refunded, own_disputed, fee, net, provider_created_at,
      last_event_at, last_event_id, order_key, field_keys, data
    ) values (
      ${snapshot.provider}, ${snapshot.objectId}, ${snapshot.kind}, ${snapshot.status},
      ${values.amount}, ${values.currency}, ${values.customer_id}, ${values.payment_id},
      ${values.charge_id}, ${values.parent_id}, ${values.own_amount_refunded}, ${values.own_disputed},
      ${values.fee}, ${values.net}, ${values.provider_created_at},
      ${iso(source.occurredAt)}, ${source.eventId}, ${key}, ${JSON.stringify(fieldKeys)}::jsonb,
      ${JSON.stringify(snapshot.data)}::jsonb
    )
    on conflict (provider, object_id) do update set
      status = case when ${newer} then excluded.status else records.status end,
      ${sql.raw(STATED_COLUMNS.map(mergeColumn).join(",\n      "))},
      field_keys = ${sql.raw(mergedFieldKeys)},
      last_event_at = case when ${newer} then excluded.last_event_at else records.last_event_at end,
      last_event_id = case when ${newer} then excluded.last_event_id else records.last_event_id end,
      data = case when ${newer} then excluded.data else records.data end,
      order_key = case when ${newer} then excluded.order_key else records.order_key end,
      updated_at = now()
    returning order_key`);
  return { applied: result[0]?.order_key === key };
}

/**
 * Re-derives refunded totals and dispute flags for one payment group from the
 * current snapshots of its charges, refunds and disputes. Being a function of
 * the snapshots alone, it inherits their order independence. Callers hold the
 * group's lock, so no concurrent change to the group is missed.
 */
export async function recomputePaymentGroup(
  tx: Transaction,
  { provider, paymentId }: { provider: string; paymentId: string },
) {
  await tx.execute(sql`
    with totals as (
      select c.object_id,
        -- A charge states its own refunded total as of its snapshot; refunds we hold may
        -- say more (a charge.refunded webhook was missed) — the greater is the truth so far.
        -- A refund that already existed at the charge's snapshot and failed after it was
        -- counted in that total, and the provider has since taken it back out.
        greatest(coalesce(c.own_amount_refunded, 0) - (
          select coalesce(sum(f.amount), 0) from records f
          where f.provider = c.provider and f.kind = 'refund' and f.charge_id = c.object_id
            and f.status = 'failed'
            and f.provider_created_at <= c.last_event_at and f.last_event_at > c.last_event_at), (
          select coalesce(sum(r.amount), 0) from records r
          where r.provider = c.provider and r.kind = 'refund' and r.charge_id = c.object_id
            and r.status in ${COUNTED_REFUND_STATES})) as refunded,
        coalesce(c.own_disputed, false) or exists (
          select 1 from records d
          where d.provider = c.provider and d.kind = 'dispute' and d.charge_id = c.object_id) as disputed
      from records c
      where c.provider = ${provider} and c.payment_id = ${paymentId} and c.kind = 'charge'
    )
    update records c set amount_refunded = t.refunded, disputed = t.disputed, updated_at = now()
    from totals t
    where c.provider = ${provider} and c.object_id = t.object_id
      and (c.amount_refunded, c.disputed) is distinct from (t.refunded, t.disputed)`);

  await tx.execute(sql`
    update records p set
      amount_refunded = case
        when exists (select 1 from records c
                     where c.provider = p.provider and c.payment_id = p.object_id and c.kind = 'charge')
        then (select coalesce(sum(c.amount_refunded), 0) from records c
              where c.provider = p.provider and c.payment_id = p.object_id and c.kind = 'charge')
        else (select coalesce(sum(r.amount), 0) from records r
              where r.provider = p.provider and r.payment_id = p.object_id and r.kind = 'refund'
                and r.status in ${COUNTED_REFUND_STATES})
        end,
      disputed = exists (
        select 1 from records g
        where g.provider = p.provider and g.payment_id = p.object_id
          and (g.kind = 'dispute' or (g.kind = 'charge' and g.disputed))),
      updated_at = now()
    where p.provider = ${provider} and p.object_id = ${paymentId} and p.kind = 'payment'`);
}
