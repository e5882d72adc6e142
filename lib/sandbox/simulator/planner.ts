import { stripeId, type StripeEvent } from "../stripe-api/objects";
import type { Random } from "../random";

/**
 * Decides, for each event the business produces, how its webhooks go out:
 * on time, dropped, duplicated, out of order, late, drifted or forged. Pure
 * and seeded, so the fault mix for a given seed is always the same.
 *
 * Deliveries are ordered by a slot (the n-th delivery to go out); a fault
 * that delays a delivery places it a few slots later.
 */

export type FaultRates = {
  /** Per event: the webhook is sent twice. */
  duplicate: number;
  /** Per event: the webhook is overtaken by the next few. */
  outOfOrder: number;
  /** Per event: never sent (it stays in the API's /v1/events). */
  drop: number;
  /** Per event: an extra forged delivery with a signature Tally must reject. */
  badSignature: number;
  /** Per payment: its webhooks carry an amount that differs from the API's object. */
  amountDrift: number;
  /** Per refund or dispute event: delivered long after the events around it. */
  late: number;
  /** Per event about money (its object has a currency): an extra copy whose object fails validation (no currency). */
  poison: number;
};

export const NO_FAULTS: FaultRates = {
  duplicate: 0,
  outOfOrder: 0,
  drop: 0,
  badSignature: 0,
  amountDrift: 0,
  late: 0,
  poison: 0,
};

/** Rates `npm start` uses in sandbox mode: every fault shows within a minute, most traffic is clean. */
export const SANDBOX_FAULTS: FaultRates = {
  duplicate: 0.03,
  outOfOrder: 0.05,
  drop: 0.01,
  badSignature: 0.005,
  amountDrift: 0.01,
  late: 0.2,
  poison: 0.005,
};

export type Delivery = {
  event: StripeEvent;
  kind: "genuine" | "duplicate" | "forged" | "poison";
  attempt: number;
};

export type FaultCounts = {
  events: number;
  dropped: number;
  duplicates: number;
  reordered: number;
  late: number;
  drifted: number;
  bad_signatures: number;
  poison: number;
};

type Queued = Delivery & { slot: number; sequence: number };

export class DeliveryPlanner {
  readonly counts: FaultCounts = {
    events: 0,
    dropped: 0,
    duplicates: 0,
    reordered: 0,
    late: 0,
    drifted: 0,
    bad_signatures: 0,
    poison: 0,
  };
  private readonly queue: Queued[] = [];
  private readonly drift = new Map<string, number>();
  private slot = 0;
  private sequence = 0;

  constructor(
    private readonly faults: FaultRates,
    private readonly random: Random,
    /** How many slots a late delivery waits (rate × seconds of lateness). */
    private readonly lateSlots = 200,
  ) {}

  /** True when the next delivery is due now; otherwise the caller should plan more events first. */
  hasDue(): boolean {
    return this.queue.length > 0 && this.queue[0]!.slot <= this.slot;
  }

  get pending(): number {
    return this.queue.length;
  }

  take(): Delivery | undefined {
    const next = this.queue.shift();
    if (!next) return undefined;
    this.slot += 1;
    return { event: next.event, kind: next.kind, attempt: next.attempt };
  }

  /** A delivery the target failed (5xx, network): tried again a little later, as Stripe retries. */
  retry(delivery: Delivery, afterSlots = 50) {
    this.enqueue({ ...delivery, attempt: delivery.attempt + 1 }, this.slot + afterSlots);
  }

  plan(original: StripeEvent) {
    this.counts.events += 1;
    const event = this.withDrift(original);
    if ("currency" in event.data.object && this.random.chance(this.faults.poison)) {
      this.counts.poison += 1;
      this.enqueue({ event: this.poisonEvent(event), kind: "poison", attempt: 1 }, this.slot);
    }
    if (this.random.chance(this.faults.drop)) {
      this.counts.dropped += 1;
      return;
    }
    let slot = this.slot;
    if (this.random.chance(this.faults.outOfOrder)) {
      this.counts.reordered += 1;
      slot += this.random.int(2, 6);
    }
    if (isLateKind(event.type) && this.random.chance(this.faults.late)) {
      this.counts.late += 1;
      slot += this.lateSlots;
    }
    this.enqueue({ event, kind: "genuine", attempt: 1 }, slot);
    if (this.random.chance(this.faults.duplicate)) {
      this.counts.duplicates += 1;
      this.enqueue({ event, kind: "duplicate", attempt: 1 }, slot + this.random.int(1, 20));
    }
    if (this.random.chance(this.faults.badSignature)) {
      this.counts.bad_signatures += 1;
      this.enqueue({ event, kind: "forged", attempt: 1 }, slot);
    }
  }

  /** Drift is decided once per payment, so all of its webhooks agree with each other and not with the API. */
  private withDrift(event: StripeEvent): StripeEvent {
    const object = event.data.object;
    const paymentId =
      object.object === "payment_intent"
        ? (object.id as string)
        : object.object === "charge"
          ? (object.payment_intent as string | null)
          : null;
    if (!paymentId) return event;
    let delta = this.drift.get(paymentId);
    if (delta === undefined) {
      delta = this.random.chance(this.faults.amountDrift)
        ? this.random.pick([-1, 1]) * this.random.int(1, 500)
        : 0;
      if (delta !== 0) this.counts.drifted += 1;
      this.drift.set(paymentId, delta);
    }
    if (delta === 0) return event;
    const drifted = structuredClone(event);
    const target = drifted.data.object;
    for (const field of ["amount", "amount_received", "amount_captured"]) {
      if (typeof target[field] === "number" && (target[field] as number) > 0)
        target[field] = (target[field] as number) + delta;
    }
    return drifted;
  }

  /** A verified event whose object fails validation (no currency): processing must dead-letter it. */
  private poisonEvent(source: StripeEvent): StripeEvent {
    const object: Record<string, unknown> = {
      ...source.data.object,
      id: stripeId(`${String(source.data.object.id).split("_")[0]}_poison`, this.random),
    };
    delete object.currency;
    return { ...source, id: stripeId("evt_poison", this.random), data: { object } };
  }

  private enqueue(delivery: Delivery, slot: number) {
    const entry: Queued = { ...delivery, slot, sequence: this.sequence++ };
    let low = 0;
    let high = this.queue.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      const other = this.queue[middle]!;
      if (other.slot < slot || (other.slot === slot && other.sequence < entry.sequence)) low = middle + 1;
      else high = middle;
    }
    this.queue.splice(low, 0, entry);
  }
}

const isLateKind = (type: string) =>
  type.startsWith("refund.") || type === "charge.refunded" || type.startsWith("charge.dispute.");
