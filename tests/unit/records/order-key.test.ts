import { describe, expect, it } from "vitest";
import { retryDelayMs } from "@/lib/backoff";
import { orderKey } from "@/lib/records/order-key";
import type { RecordSnapshot } from "@/lib/records/snapshot";
import { ValidationError } from "@/lib/records/snapshot";
import { isTerminal, statusRank } from "@/lib/records/state-machines";
import { stripeSnapshots } from "@/lib/records/stripe";

const snapshot = (
  kind: RecordSnapshot["kind"],
  status: string,
  extra: Partial<RecordSnapshot> = {},
): RecordSnapshot => ({
  provider: "stripe",
  kind,
  objectId: "obj",
  status,
  amount: 100,
  currency: "eur",
  data: {},
  ...extra,
});
const at = (seconds: number, eventId = "evt_a") => ({ eventId, occurredAt: new Date(seconds * 1000) });

describe("order keys", () => {
  it("a newer fact wins over an older one", () => {
    expect(
      orderKey(snapshot("payment", "processing"), at(20)) >
        orderKey(snapshot("payment", "requires_payment_method"), at(10)),
    ).toBe(true);
  });

  it("a terminal state is never left, even for a newer non-terminal fact", () => {
    const canceled = orderKey(snapshot("subscription", "canceled"), at(10));
    const lateActive = orderKey(snapshot("subscription", "active"), at(99));
    expect(canceled > lateActive).toBe(true);
  });

  it("within one instant the later lifecycle state wins", () => {
    expect(
      orderKey(snapshot("payment", "succeeded"), at(10, "evt_a")) >
        orderKey(snapshot("payment", "processing"), at(10, "evt_z")),
    ).toBe(true);
  });

  it("within one state and instant, more refunded is later", () => {
    const before = orderKey(snapshot("charge", "succeeded", { ownAmountRefunded: 0 }), at(10, "evt_z"));
    const after = orderKey(snapshot("charge", "succeeded", { ownAmountRefunded: 50 }), at(10, "evt_a"));
    expect(after > before).toBe(true);
  });

  it("is a total order: the event id breaks remaining ties", () => {
    expect(
      orderKey(snapshot("payout", "paid"), at(1, "evt_b")) >
        orderKey(snapshot("payout", "paid"), at(1, "evt_a")),
    ).toBe(true);
  });

  it("knows each kind's final states", () => {
    expect(isTerminal("dispute", "lost")).toBe(true);
    expect(isTerminal("dispute", "under_review")).toBe(false);
    expect(statusRank("invoice", "paid")).toBeGreaterThan(statusRank("invoice", "uncollectible"));
  });
});

describe("Stripe snapshots", () => {
  const event = (object: Record<string, unknown>, type = "charge.succeeded") => ({
    type,
    payload: { data: { object } },
  });

  it("links a charge to its payment intent and keeps its own refund and dispute facts", () => {
    const [charge] = stripeSnapshots(
      event({
        id: "ch_1",
        object: "charge",
        amount: 500,
        currency: "EUR",
        status: "succeeded",
        payment_intent: "pi_1",
        amount_refunded: 200,
        disputed: true,
        customer: { id: "cus_1" },
      }),
    );
    expect(charge).toMatchObject({
      kind: "charge",
      objectId: "ch_1",
      paymentId: "pi_1",
      chargeId: "ch_1",
      currency: "eur",
      ownAmountRefunded: 200,
      ownDisputed: true,
      customerId: "cus_1",
    });
  });

  it("extracts refunds embedded in a charge", () => {
    const snapshots = stripeSnapshots(
      event(
        {
          id: "ch_2",
          object: "charge",
          amount: 500,
          currency: "eur",
          status: "succeeded",
          refunds: {
            data: [
              {
                id: "re_1",
                object: "refund",
                amount: 100,
                currency: "eur",
                status: "succeeded",
                charge: "ch_2",
              },
            ],
          },
        },
        "charge.refunded",
      ),
    );
    expect(snapshots.map((s) => [s.kind, s.objectId, s.paymentId])).toEqual([
      ["charge", "ch_2", "ch_2"],
      ["refund", "re_1", "ch_2"],
    ]);
  });

  it("refuses money objects without integer minor units or an ISO currency", () => {
    expect(() =>
      stripeSnapshots(event({ id: "ch_3", object: "charge", amount: 12.5, currency: "eur" })),
    ).toThrow(ValidationError);
    expect(() => stripeSnapshots(event({ id: "ch_4", object: "charge", amount: 100 }))).toThrow(/currency/);
    expect(() => stripeSnapshots({ type: "charge.succeeded", payload: {} })).toThrow(/data.object/);
  });

  it("states nothing for objects without a record kind", () => {
    expect(stripeSnapshots(event({ id: "prod_1", object: "product" }, "product.created"))).toEqual([]);
  });
});

describe("retry backoff", () => {
  it("doubles per attempt within ±50% jitter", () => {
    const delay = (attempt: number, random: number) =>
      retryDelayMs({ attempt, baseMs: 1000, maxMs: 60_000, random: () => random });
    expect(delay(1, 0)).toBe(500);
    expect(delay(1, 0.999)).toBe(1499);
    expect(delay(4, 0.5)).toBe(8000);
  });

  it("is capped, jitter included", () => {
    const capped = (random: number) =>
      retryDelayMs({ attempt: 40, baseMs: 10_000, maxMs: 21_600_000, random: () => random });
    expect(capped(0)).toBe(21_600_000);
    expect(capped(0.999)).toBe(21_600_000);
    expect(retryDelayMs({ attempt: 6, baseMs: 1000, maxMs: 40_000, random: () => 0.999 })).toBe(40_000);
  });
});
