import { describe, expect, it } from "vitest";
import { rawSql } from "@/db";
import { useTestDatabase } from "../helpers/db";
import { drain, ingest } from "./helpers";

useTestDatabase();

const T = 1_760_000_000;

/**
 * A 10.00 charge refunded twice: 3.00 succeeds, 5.00 is accepted then fails
 * (Stripe takes a failed refund back out of the charge's amount_refunded).
 * The charge.refunded webhooks do not embed the refund list (Stripe's
 * default since 2022-11-15), so the refunds' own events are what tell us.
 */
function history(marker: string, { chargeUpdatedAfterFailure }: { chargeUpdatedAfterFailure: boolean }) {
  const pi = `pi_${marker}`;
  const ch = `ch_${marker}`;
  const charge = (refunded: number) => ({
    id: ch,
    object: "charge",
    amount: 1000,
    currency: "eur",
    status: "succeeded",
    payment_intent: pi,
    amount_refunded: refunded,
    refunded: false,
    disputed: false,
    created: T,
  });
  const refund = (id: string, amount: number, status: string, created: number) => ({
    id: `${id}_${marker}`,
    object: "refund",
    amount,
    currency: "eur",
    status,
    charge: ch,
    payment_intent: pi,
    created,
  });
  const event = (n: number, type: string, created: number, object: object) => ({
    id: `evt_${marker}_${n}`,
    object: "event",
    type,
    created,
    data: { object },
  });
  const events = [
    event(1, "payment_intent.succeeded", T, {
      id: pi,
      object: "payment_intent",
      amount: 1000,
      currency: "eur",
      status: "succeeded",
      created: T,
    }),
    event(2, "charge.succeeded", T, charge(0)),
    event(3, "refund.created", T + 10, refund("re_ok", 300, "succeeded", T + 10)),
    event(4, "charge.refunded", T + 10, charge(300)),
    event(5, "refund.created", T + 20, refund("re_bad", 500, "pending", T + 20)),
    event(6, "charge.refunded", T + 20, charge(800)),
    event(7, "refund.failed", T + 30, refund("re_bad", 500, "failed", T + 20)),
  ];
  if (chargeUpdatedAfterFailure) events.push(event(8, "charge.updated", T + 31, charge(300)));
  return events;
}

function* permutations<T>(items: T[]): Generator<T[]> {
  if (items.length <= 1) {
    yield items;
    return;
  }
  for (let i = 0; i < items.length; i++)
    for (const rest of permutations([...items.slice(0, i), ...items.slice(i + 1)]))
      yield [items[i]!, ...rest];
}

async function totals(marker: string) {
  const rows = await rawSql()<{ object_id: string; amount_refunded: string }[]>`
    select object_id, amount_refunded from records
    where object_id in (${`pi_${marker}`}, ${`ch_${marker}`}) order by object_id`;
  return Object.fromEntries(rows.map((row) => [row.object_id.split("_")[0], Number(row.amount_refunded)]));
}

describe("refunded totals when a refund fails", () => {
  it("in order: only the refund that succeeded counts", async () => {
    await ingest(history("inorder", { chargeUpdatedAfterFailure: false }));
    await drain();
    expect(await totals("inorder")).toEqual({ ch: 300, pi: 300 });
  });

  it("in every order of the refund events: only the refund that succeeded counts", async () => {
    const tail = [2, 3, 4, 5, 6]; // the refund-related events, after the payment and charge
    let run = 0;
    for (const order of permutations(tail)) {
      run += 1;
      const marker = `perm${run}`;
      const events = history(marker, { chargeUpdatedAfterFailure: false });
      await ingest([events[0]!, events[1]!, ...order.map((index) => events[index]!)]);
      await drain();
      expect({ order, totals: await totals(marker) }).toEqual({ order, totals: { ch: 300, pi: 300 } });
    }
    expect(run).toBe(120);
  });

  it("a charge that states the failure itself agrees, delivered first or last", async () => {
    const first = history("chfirst", { chargeUpdatedAfterFailure: true });
    await ingest([first[7]!, ...first.slice(0, 7)]);
    await drain();
    expect(await totals("chfirst")).toEqual({ ch: 300, pi: 300 });

    await ingest(history("chlast", { chargeUpdatedAfterFailure: true }));
    await drain();
    expect(await totals("chlast")).toEqual({ ch: 300, pi: 300 });
  });

  it("a missed refund webhook is still covered by what the charge states", async () => {
    const events = history("missed", { chargeUpdatedAfterFailure: false });
    // Only the charge's own word that 3.00 was refunded: refund.created for re_ok never arrived.
    await ingest([events[0]!, events[1]!, events[3]!]);
    await drain();
    expect(await totals("missed")).toEqual({ ch: 300, pi: 300 });
  });
});
