import "server-only";
import { sql } from "drizzle-orm";
import type { Transaction } from "@/db";
import { orderKey } from "./order-key";
import { groupIdOf, type RecordSnapshot, type SnapshotSource } from "./snapshot";

const iso = (date: Date | null | undefined) => date?.toISOString() ?? null;

// Refund states that count towards a refunded total, in each provider's words.
const COUNTED_REFUND_STATES = sql.raw(`('pending', 'succeeded', 'refunded', 'SUCCEEDED')`);

/**
 * Applies one snapshot. The row keeps the snapshot with the greatest order
 * key (lib/records/order-key.ts); an older snapshot only fills fields nothing
 * newer has stated. Returns whether the snapshot became the record's state.
 */
export async function applySnapshot(
  tx: Transaction,
  { snapshot, source }: { snapshot: RecordSnapshot; source: SnapshotSource },
): Promise<{ applied: boolean }> {
  const key = orderKey(snapshot, source);
  const newer = sql`excluded.order_key > records.order_key`;
  // Newer snapshot: its stated fields win. Older one: it only fills gaps.
  const pick = (column: string) =>
    sql.raw(
      `case when excluded.order_key > records.order_key
         then coalesce(excluded.${column}, records.${column})
         else coalesce(records.${column}, excluded.${column}) end`,
    );
  const result = await tx.execute<{ order_key: string }>(sql`
    insert into records (
      provider, object_id, kind, status, amount, currency, customer_id, payment_id, charge_id,
      parent_id, own_amount_refunded, own_disputed, fee, net, provider_created_at,
      last_event_at, last_event_id, order_key, data
    ) values (
      ${snapshot.provider}, ${snapshot.objectId}, ${snapshot.kind}, ${snapshot.status},
      ${snapshot.amount}, ${snapshot.currency}, ${snapshot.customerId ?? null},
      ${groupIdOf(snapshot)}, ${snapshot.chargeId ?? null}, ${snapshot.parentId ?? null},
      ${snapshot.ownAmountRefunded ?? null}, ${snapshot.ownDisputed ?? null},
      ${snapshot.fee ?? null}, ${snapshot.net ?? null}, ${iso(snapshot.providerCreatedAt)},
      ${iso(source.occurredAt)}, ${source.eventId}, ${key}, ${JSON.stringify(snapshot.data)}::jsonb
    )
    on conflict (provider, object_id) do update set
      status = case when ${newer} then excluded.status else records.status end,
      amount = ${pick("amount")},
      currency = ${pick("currency")},
      customer_id = ${pick("customer_id")},
      payment_id = ${pick("payment_id")},
      charge_id = ${pick("charge_id")},
      parent_id = ${pick("parent_id")},
      own_amount_refunded = ${pick("own_amount_refunded")},
      own_disputed = ${pick("own_disputed")},
      fee = ${pick("fee")},
      net = ${pick("net")},
      provider_created_at = ${pick("provider_created_at")},
      last_event_at = case when ${newer} then excluded.last_event_at else records.last_event_at end,
      last_event_id = case when ${newer} then excluded.last_event_id else records.last_event_id end,
      data = case when ${newer} then excluded.data else records.data end,
      order_key = greatest(records.order_key, excluded.order_key),
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
