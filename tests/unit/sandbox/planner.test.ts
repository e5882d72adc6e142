import { describe, expect, it } from "vitest";
import { generateBusiness } from "@/lib/sandbox/business";
import { seededRandom } from "@/lib/sandbox/random";
import { DeliveryPlanner, NO_FAULTS, type Delivery, type FaultRates } from "@/lib/sandbox/simulator/planner";

const FROM = 1_735_689_600;
const business = generateBusiness({ seed: 11, from: FROM, to: FROM + 20 * 86_400, activityPerDay: 1000 });
const events = business.store.events;

function run(faults: Partial<FaultRates>, seed = 1) {
  const planner = new DeliveryPlanner({ ...NO_FAULTS, ...faults }, seededRandom(seed), 50);
  const deliveries: Delivery[] = [];
  for (const event of events) {
    planner.plan(event);
    while (planner.hasDue()) deliveries.push(planner.take()!);
  }
  while (planner.pending > 0) deliveries.push(planner.take()!);
  return { planner, deliveries };
}

/** Within 5 standard deviations of a binomial expectation: fails only when the rate is really off. */
function expectRate(observed: number, trials: number, rate: number) {
  const expected = trials * rate;
  const sigma = Math.sqrt(trials * rate * (1 - rate));
  expect(Math.abs(observed - expected)).toBeLessThanOrEqual(5 * sigma + 1);
}

describe("delivery planner fault rates", () => {
  it("has enough events to measure rates", () => {
    expect(events.length).toBeGreaterThan(40_000);
  });

  it("sends every event exactly once, in order, with no faults configured", () => {
    const { deliveries } = run({});
    expect(deliveries.map((delivery) => delivery.event.id)).toEqual(events.map((event) => event.id));
    expect(deliveries.every((delivery) => delivery.kind === "genuine")).toBe(true);
  });

  it("injects each fault at its configured rate", () => {
    const rates: FaultRates = {
      duplicate: 0.05,
      outOfOrder: 0.1,
      drop: 0.02,
      badSignature: 0.01,
      amountDrift: 0.05,
      late: 0.3,
      poison: 0.005,
    };
    const { planner, deliveries } = run(rates);
    const n = events.length;
    const byKind = (kind: Delivery["kind"]) => deliveries.filter((delivery) => delivery.kind === kind);

    expectRate(planner.counts.dropped, n, rates.drop);
    const genuine = byKind("genuine");
    expect(genuine).toHaveLength(n - planner.counts.dropped);
    expect(new Set(genuine.map((delivery) => delivery.event.id)).size).toBe(genuine.length);

    const survivors = n - planner.counts.dropped;
    expectRate(byKind("duplicate").length, survivors, rates.duplicate);
    expectRate(byKind("forged").length, survivors, rates.badSignature);
    const moneyEvents = events.filter((event) => "currency" in event.data.object).length;
    expectRate(byKind("poison").length, moneyEvents, rates.poison);
    expectRate(planner.counts.reordered, survivors, rates.outOfOrder);
    expect(byKind("poison").every((delivery) => !("currency" in delivery.event.data.object))).toBe(true);

    const lateCandidates = events.filter(
      (event) =>
        event.type.startsWith("refund.") ||
        event.type === "charge.refunded" ||
        event.type.startsWith("charge.dispute."),
    ).length;
    expect(lateCandidates).toBeGreaterThan(1000);
    expectRate(planner.counts.late, lateCandidates * (1 - rates.drop), rates.late);

    const payments = business.store.payment_intents.length;
    expectRate(planner.counts.drifted, payments, rates.amountDrift);
  });

  it("delivers out of order: some events arrive before events created earlier", () => {
    const { deliveries } = run({ outOfOrder: 0.1 });
    const position = new Map(events.map((event, index) => [event.id, index]));
    let inversions = 0;
    for (let i = 1; i < deliveries.length; i += 1) {
      if (position.get(deliveries[i]!.event.id)! < position.get(deliveries[i - 1]!.event.id)!)
        inversions += 1;
    }
    expect(inversions).toBeGreaterThan(events.length * 0.05);
  });

  it("drifts every webhook of a drifted payment by the same amount, leaving the API untouched", () => {
    const { deliveries } = run({ amountDrift: 0.05 });
    const intents = new Map(business.store.payment_intents.map((pi) => [pi.id, pi]));
    const deltas = new Map<string, Set<number>>();
    for (const { event } of deliveries) {
      const object = event.data.object;
      const paymentId =
        object.object === "payment_intent" ? (object.id as string) : (object.payment_intent as string);
      if (object.object !== "payment_intent" && object.object !== "charge") continue;
      const delta = (object.amount as number) - intents.get(paymentId)!.amount;
      if (!deltas.has(paymentId)) deltas.set(paymentId, new Set());
      deltas.get(paymentId)!.add(delta);
    }
    const drifted = [...deltas.values()].filter((set) => !set.has(0));
    expect(drifted.length).toBeGreaterThan(0);
    expect([...deltas.values()].every((set) => set.size === 1)).toBe(true);
    expect(
      events.every(
        (event) =>
          event.data.object.object !== "payment_intent" ||
          event.data.object.amount === intents.get(event.data.object.id as string)!.amount,
      ),
    ).toBe(true);
  });

  it("is reproducible for a seed", () => {
    const a = run({ duplicate: 0.05, drop: 0.02 }, 99).deliveries.map(
      (delivery) => `${delivery.kind}:${delivery.event.id}`,
    );
    const b = run({ duplicate: 0.05, drop: 0.02 }, 99).deliveries.map(
      (delivery) => `${delivery.kind}:${delivery.event.id}`,
    );
    expect(a).toEqual(b);
  });
});
