import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RECORD_KINDS } from "@/db/schema/records";
import { orderKey } from "@/lib/records/order-key";
import type { RecordSnapshot } from "@/lib/records/snapshot";
import { isTerminal, LIFECYCLES } from "@/lib/records/state-machines";

const kinds = RECORD_KINDS.filter((kind) => LIFECYCLES[kind]);

/** A snapshot of one object of `kind` in one of its lifecycle states, from one event. */
const fact = (kind: (typeof kinds)[number]) =>
  fc.record({
    status: fc.constantFrom(...Object.keys(LIFECYCLES[kind]!.ranks)),
    // Whole seconds within a few minutes, so equal times are common, as in Stripe's events.
    seconds: fc.integer({ min: 1_760_000_000, max: 1_760_000_300 }),
    refunded: fc.integer({ min: 0, max: 10_000_000 }),
    disputed: fc.boolean(),
    eventId: fc.stringMatching(/^evt_[A-Za-z0-9]{1,24}$/),
  });

type Fact = { status: string; seconds: number; refunded: number; disputed: boolean; eventId: string };

const keyOf = (kind: (typeof kinds)[number], f: Fact) => {
  const snapshot: RecordSnapshot = {
    provider: "stripe",
    kind,
    objectId: "obj",
    status: f.status,
    amount: 100,
    currency: "eur",
    ownAmountRefunded: f.refunded,
    ownDisputed: f.disputed,
    data: {},
  };
  return orderKey(snapshot, { eventId: f.eventId, occurredAt: new Date(f.seconds * 1000) });
};

const pair = fc
  .constantFrom(...kinds)
  .chain((kind) => fc.record({ kind: fc.constant(kind), a: fact(kind), b: fact(kind) }));

describe("order keys (property)", () => {
  it("a terminal state always outranks a non-terminal one, whatever the times", () => {
    fc.assert(
      fc.property(pair, ({ kind, a, b }) => {
        const terminalA = isTerminal(kind, a.status);
        fc.pre(terminalA !== isTerminal(kind, b.status));
        expect(keyOf(kind, a) > keyOf(kind, b)).toBe(terminalA);
      }),
    );
  });

  it("between two non-terminal (or two terminal) facts, the newer one wins", () => {
    fc.assert(
      fc.property(pair, ({ kind, a, b }) => {
        fc.pre(isTerminal(kind, a.status) === isTerminal(kind, b.status) && a.seconds !== b.seconds);
        expect(keyOf(kind, a) > keyOf(kind, b)).toBe(a.seconds > b.seconds);
      }),
    );
  });

  it("is a total order: facts from different events never tie", () => {
    fc.assert(
      fc.property(pair, ({ kind, a, b }) => {
        fc.pre(a.eventId !== b.eventId);
        expect(keyOf(kind, a)).not.toBe(keyOf(kind, b));
      }),
    );
  });

  it("so the fact a record keeps does not depend on delivery order", () => {
    const history = fc.constantFrom(...kinds).chain((kind) =>
      fc.array(fact(kind), { minLength: 1, maxLength: 12 }).chain((facts) =>
        fc.record({
          kind: fc.constant(kind),
          facts: fc.constant(facts),
          // Every fact at least once plus some twice, in any order: a real delivery.
          delivered: fc.array(fc.constantFrom(...facts), { maxLength: 12 }).chain((again) => {
            const all = [...facts, ...again];
            return fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length });
          }),
        }),
      ),
    );
    fc.assert(
      fc.property(history, ({ kind, facts, delivered }) => {
        const keep = (list: typeof facts) =>
          list.reduce((held, next) => (keyOf(kind, next) > keyOf(kind, held) ? next : held));
        expect(keyOf(kind, keep(delivered))).toBe(keyOf(kind, keep(facts)));
      }),
    );
  });
});
