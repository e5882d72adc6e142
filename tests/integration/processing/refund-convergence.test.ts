import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rawSql } from "@/db";
import { useTestDatabase } from "../helpers/db";
import { drain, ingest } from "./helpers";

useTestDatabase();

const T = 1_760_000_000;

type Refund = { share: number; fails: boolean; failAfter: number };

/**
 * A charge refunded several times — partially, or in full by the last refund —
 * where some refunds fail later. Each refund's creation sends refund.created
 * and charge.refunded (the charge's amount_refunded counting every refund not
 * failed by then, as Stripe's does); a failure sends refund.failed and
 * charge.refund.updated. Returns the events in Stripe's order and the truth.
 */
function refundHistory(marker: string, amount: number, refunds: Refund[], fullRefund: boolean) {
  const pi = `pi_${marker}`;
  const ch = `ch_${marker}`;
  let remaining = amount;
  const planned = refunds.map((refund, index) => {
    const last = index === refunds.length - 1;
    const value = last && fullRefund ? remaining : Math.max(1, Math.floor((remaining * refund.share) / 100));
    remaining -= value;
    const created = T + 100 * (index + 1);
    // Failure times never coincide with a creation (those are multiples of 100).
    return {
      id: `re_${marker}_${index}`,
      amount: value,
      created,
      failedAt: refund.fails ? created + refund.failAfter : null,
    };
  });
  const charge = (at: number) => {
    const refunded = planned
      .filter((r) => r.created <= at && (r.failedAt === null || r.failedAt > at))
      .reduce((sum, r) => sum + r.amount, 0);
    return {
      id: ch,
      object: "charge",
      amount,
      currency: "eur",
      status: "succeeded",
      payment_intent: pi,
      amount_refunded: refunded,
      refunded: refunded === amount,
      disputed: false,
      created: T,
    };
  };
  const refundObject = (r: (typeof planned)[number], status: string) => ({
    id: r.id,
    object: "refund",
    amount: r.amount,
    currency: "eur",
    status,
    charge: ch,
    payment_intent: pi,
    created: r.created,
  });
  const timeline: { type: string; created: number; object: object }[] = [
    {
      type: "payment_intent.succeeded",
      created: T,
      object: { id: pi, object: "payment_intent", amount, currency: "eur", status: "succeeded", created: T },
    },
    { type: "charge.succeeded", created: T, object: charge(T) },
  ];
  for (const r of planned) {
    timeline.push({ type: "refund.created", created: r.created, object: refundObject(r, "succeeded") });
    timeline.push({ type: "charge.refunded", created: r.created, object: charge(r.created) });
    if (r.failedAt !== null) {
      timeline.push({ type: "refund.failed", created: r.failedAt, object: refundObject(r, "failed") });
      timeline.push({
        type: "charge.refund.updated",
        created: r.failedAt,
        object: refundObject(r, "failed"),
      });
    }
  }
  timeline.sort((a, b) => a.created - b.created);
  const events = timeline.map((entry, index) => ({
    id: `evt_${marker}_${index}`,
    object: "event",
    type: entry.type,
    created: entry.created,
    data: { object: entry.object },
  }));
  const refunded = planned.filter((r) => r.failedAt === null).reduce((sum, r) => sum + r.amount, 0);
  return { events, refunded, refunds: planned };
}

const refundArb = fc.record({
  share: fc.integer({ min: 1, max: 60 }),
  fails: fc.boolean(),
  // Up to three later refunds' creations may pass before the failure.
  failAfter: fc.integer({ min: 1, max: 399 }).filter((delay) => delay % 100 !== 0),
});

let runs = 0;

describe("refunded totals converge under any order and duplication, with failed and full refunds", () => {
  it("matches the refunds that stand, whatever the delivery", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .record({
            amount: fc.integer({ min: 100, max: 1_000_000 }),
            refunds: fc.array(refundArb, { minLength: 1, maxLength: 4 }),
            fullRefund: fc.boolean(),
          })
          .chain((options) => {
            const size = refundHistory("probe", options.amount, options.refunds, options.fullRefund).events
              .length;
            return fc.record({
              options: fc.constant(options),
              order: fc.shuffledSubarray([...Array(size).keys()], { minLength: size, maxLength: size }),
              duplicates: fc.array(fc.integer({ min: 0, max: size - 1 }), { maxLength: size }),
            });
          }),
        async ({ options, order, duplicates }) => {
          runs += 1;
          const marker = `rf${runs}x`;
          const { events, refunded, refunds } = refundHistory(
            marker,
            options.amount,
            options.refunds,
            options.fullRefund,
          );
          await ingest(order.map((index) => events[index]!));
          await drain();
          // Redeliveries of events already applied (a replay or a provider retry).
          const again = duplicates.map((index) => events[index]!.id);
          if (again.length > 0) {
            const sql = rawSql();
            await sql`update events set status = 'pending', attempts = 0 where provider_event_id in ${sql(again)}`;
            await drain();
          }
          const rows = await rawSql()<{ object_id: string; status: string; amount_refunded: string }[]>`
            select object_id, status, amount_refunded from records
            where payment_id = ${`pi_${marker}`} order by object_id`;
          const byId = Object.fromEntries(rows.map((row) => [row.object_id, row]));
          expect(Number(byId[`ch_${marker}`]!.amount_refunded)).toBe(refunded);
          expect(Number(byId[`pi_${marker}`]!.amount_refunded)).toBe(refunded);
          for (const refund of refunds)
            expect(byId[refund.id]!.status).toBe(refund.failedAt === null ? "succeeded" : "failed");
        },
      ),
      { numRuns: 60 },
    );
  });
});
