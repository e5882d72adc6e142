import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rawSql } from "@/db";
import {
  paymentHistory,
  payoutAndCheckoutHistory,
  subscriptionHistory,
} from "../../fixtures/stripe-histories";
import { useTestDatabase } from "../helpers/db";
import { drain, ingest, recordsFor } from "./helpers";

useTestDatabase();

type Ev = { id: string; data: { object: Record<string, unknown> } };

let runs = 0;

/** The same history under a unique marker, with event ids that depend only on position. */
function history(build: (prefix: string) => Ev[], marker: string): Ev[] {
  return build(marker).map((event, index) => ({ ...event, id: `evt_${marker}_${index}` }));
}

const paymentOptions = fc.record({
  amount: fc.integer({ min: 100, max: 500_000 }),
  refundParts: fc.array(fc.integer({ min: 1, max: 30 }), { maxLength: 3 }),
  dispute: fc.constantFrom("none" as const, "won" as const, "lost" as const),
  failFirst: fc.boolean(),
});

// A delivery schedule: a permutation, the chunks processed between arrivals, and events replayed later.
const schedule = (length: number) =>
  fc.record({
    order: fc.shuffledSubarray([...Array(length).keys()], { minLength: length, maxLength: length }),
    chunk: fc.integer({ min: 1, max: Math.max(1, length) }),
    duplicates: fc.array(fc.integer({ min: 0, max: length - 1 }), { maxLength: length }),
  });

async function deliverInOrder(events: Ev[]) {
  await ingest(events);
  await drain();
}

async function deliverScrambled(
  events: Ev[],
  plan: { order: number[]; chunk: number; duplicates: number[] },
) {
  const permuted = plan.order.map((index) => events[index]!);
  for (let i = 0; i < permuted.length; i += plan.chunk) {
    await ingest(permuted.slice(i, i + plan.chunk));
    await drain();
  }
  // Duplicates: the same events applied again, as a replay or redelivery would.
  const sql = rawSql();
  const ids = plan.duplicates.map((index) => events[index]!.id);
  if (ids.length > 0) {
    await sql`update events set status = 'pending', attempts = 0 where provider_event_id in ${sql(ids)}`;
    await drain();
  }
}

async function assertConverges(
  build: (prefix: string) => Ev[],
  plan: { order: number[]; chunk: number; duplicates: number[] },
) {
  runs += 1;
  const inOrder = `a${runs}z`;
  const scrambled = `b${runs}z`;
  await deliverInOrder(history(build, inOrder));
  const events = history(build, scrambled);
  await deliverScrambled(events, plan);
  const expected = await recordsFor(inOrder);
  expect(expected.length).toBeGreaterThan(0);
  const actual = await recordsFor(scrambled);
  expect(actual).toEqual(expected);
  // An independent oracle: each object ends in the state of the last event Stripe sent about it.
  const lastStatus = new Map<string, unknown>();
  for (const event of events)
    lastStatus.set(String(event.data.object.id).replaceAll(scrambled, "X"), event.data.object.status);
  expect(Object.fromEntries(actual.map((row) => [row.object_id, row.status]))).toEqual(
    Object.fromEntries(lastStatus),
  );
}

describe("any delivery order with duplicates converges to the in-order records", () => {
  it("payments with refunds and disputes", async () => {
    await fc.assert(
      fc.asyncProperty(
        paymentOptions.chain((options) => {
          const events = (prefix: string) =>
            paymentHistory({
              prefix,
              start: 1_760_000_000,
              currency: "eur",
              amount: options.amount,
              // Refund parts are percentages of what remains, so totals never exceed the amount.
              refunds: options.refundParts.map((part) =>
                Math.max(1, Math.floor((options.amount * part) / 100)),
              ),
              dispute: options.dispute,
              failFirst: options.failFirst,
            }) as Ev[];
          return schedule(events("probe").length).map((plan) => ({ events, plan }));
        }),
        async ({ events, plan }) => {
          await assertConverges(events, plan);
          const [payment] =
            await rawSql()`select amount_refunded, disputed from records where object_id = ${`pi_b${runs}z`}`;
          const refunds = events("probe").filter(
            (event) => (event as { type?: string }).type === "refund.created",
          );
          const refunded = refunds.reduce((sum, event) => sum + Number(event.data.object.amount), 0);
          expect(payment).toEqual({
            amount_refunded: String(refunded),
            disputed: events("probe").some((e) => String(e.data.object.id).startsWith("dp_")),
          });
        },
      ),
      { numRuns: 40 },
    );
  });

  it("subscriptions, invoices, payouts and checkout sessions", async () => {
    const build = (prefix: string) =>
      [
        ...subscriptionHistory({ prefix, start: 1_760_000_000 }),
        ...payoutAndCheckoutHistory({ prefix, start: 1_760_000_000 }),
      ] as Ev[];
    await fc.assert(
      fc.asyncProperty(schedule(build("probe").length), async (plan) => assertConverges(build, plan)),
      { numRuns: 30 },
    );
  });
});

describe("the in-order final state is the one Stripe describes", () => {
  it("a refunded, disputed payment intent stays succeeded", async () => {
    const events = history(
      (prefix) =>
        paymentHistory({
          prefix,
          start: 1_760_000_000,
          currency: "usd",
          amount: 10_000,
          refunds: [2_000, 500],
          dispute: "lost",
          failFirst: true,
        }) as Ev[],
      "final1",
    );
    // Latest first: the worst order there is.
    await ingest([...events].reverse());
    await drain();
    const sql = rawSql();
    const [payment] = await sql`select * from records where object_id = 'pi_final1'`;
    expect(payment).toMatchObject({
      kind: "payment",
      status: "succeeded",
      amount: "10000",
      currency: "usd",
      amount_refunded: "2500",
      disputed: true,
    });
    const [dispute] = await sql`select * from records where object_id = 'dp_final1'`;
    expect(dispute).toMatchObject({
      kind: "dispute",
      status: "lost",
      payment_id: "pi_final1",
      charge_id: "ch_final1",
    });
    const [charge] = await sql`select * from records where object_id = 'ch_final1'`;
    expect(charge).toMatchObject({ status: "succeeded", amount_refunded: "2500", disputed: true });
  });

  it("a late payment_failed after succeeded, and a late update after deletion, change nothing", async () => {
    const subscription = history(
      (prefix) => subscriptionHistory({ prefix, start: 1_760_000_000 }) as Ev[],
      "late1",
    );
    const deleted = subscription.at(-1)!;
    await ingest([deleted, ...subscription.slice(0, -1)]);
    await drain();
    const sql = rawSql();
    const [sub] = await sql`select status from records where object_id = 'sub_late1'`;
    expect(sub!.status).toBe("canceled");

    const payment = history(
      (prefix) =>
        paymentHistory({
          prefix,
          start: 1_760_000_000,
          currency: "eur",
          amount: 900,
          refunds: [],
          dispute: "none",
          failFirst: true,
        }) as Ev[],
      "late2",
    );
    const failed = payment.find(
      (event) => (event as { type?: string }).type === "payment_intent.payment_failed",
    )!;
    await ingest(payment.filter((event) => event !== failed));
    await drain();
    await ingest([failed]);
    await drain();
    const [pi] = await sql`select status from records where object_id = 'pi_late2'`;
    expect(pi!.status).toBe("succeeded");
  });
});
