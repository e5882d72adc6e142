import {
  buildBalanceTransaction,
  buildCharge,
  buildCustomer,
  buildDispute,
  buildEvent,
  buildPaymentIntent,
  buildPayout,
  buildRefund,
  emptyStore,
  stripeId,
  type StripeBalanceTransaction,
  type StripeCharge,
  type StripeCustomer,
  type StripeDispute,
  type StripeEvent,
  type StripePaymentIntent,
  type StripeStore,
} from "./stripe-api/objects";
import { seededRandom, type Random } from "./random";

/**
 * A deterministic, internally consistent Stripe business: customers pay,
 * some payments fail, some are refunded or disputed, and automatic payouts
 * sweep the balance. Every change lands in the store (what the API serves)
 * and as an event (what webhooks carry), exactly as Stripe records it.
 *
 * Anomalies are the provider's own books being off, which reconciliation
 * must flag: a fee that differs from the contracted pricing, a payout whose
 * amount differs from the sum of what it paid out, a customer charged twice.
 */

export type FeeSchedule = { percent: number; fixed: number };

export type BusinessOptions = {
  seed: number;
  store?: StripeStore;
  currency?: string;
  fee?: FeeSchedule;
  /** Stripe's dispute fee, in minor units. */
  disputeFee?: number;
  anomalies?: { fee?: number; payout?: number; duplicateCharge?: number };
};

export type BusinessCounts = {
  customers: number;
  payments: number;
  failed_payments: number;
  refunds: number;
  disputes: number;
  disputes_closed: number;
  payouts: number;
  fee_anomalies: number;
  payout_anomalies: number;
  duplicate_charges: number;
};

export const SANDBOX_FEE: FeeSchedule = { percent: 1.5, fixed: 25 };

const ACCIDENTAL_DUPLICATE_WINDOW = 30 * 60;
const PRICES = [990, 1490, 1999, 2500, 3900, 4900, 7500, 9900, 12900, 24900];

export class SandboxBusiness {
  readonly store: StripeStore;
  readonly currency: string;
  readonly fee: FeeSchedule;
  readonly counts: BusinessCounts = {
    customers: 0,
    payments: 0,
    failed_payments: 0,
    refunds: 0,
    disputes: 0,
    disputes_closed: 0,
    payouts: 0,
    fee_anomalies: 0,
    payout_anomalies: 0,
    duplicate_charges: 0,
  };
  private readonly random: Random;
  private readonly disputeFee: number;
  private readonly anomalies: { fee: number; payout: number; duplicateCharge: number };

  constructor(options: BusinessOptions) {
    this.random = seededRandom(options.seed);
    this.store = options.store ?? emptyStore();
    this.currency = options.currency ?? "eur";
    this.fee = options.fee ?? SANDBOX_FEE;
    this.disputeFee = options.disputeFee ?? 1500;
    this.anomalies = {
      fee: options.anomalies?.fee ?? 0,
      payout: options.anomalies?.payout ?? 0,
      duplicateCharge: options.anomalies?.duplicateCharge ?? 0,
    };
  }

  /** Fee Stripe charges under the contracted schedule. */
  expectedFee(amount: number): number {
    return Math.round((amount * this.fee.percent) / 100) + this.fee.fixed;
  }

  /** One piece of activity at `at` (Unix seconds); returns its events in the order Stripe emits them. */
  step(at: number): StripeEvent[] {
    const roll = this.random();
    if (roll < 0.08) {
      const refundable = this.refundableCharge();
      if (refundable) return this.refund(refundable, at);
    } else if (roll < 0.1) {
      const disputable = this.refundableCharge();
      if (disputable) return this.dispute(disputable, at);
    } else if (roll < 0.115) {
      const open = this.store.disputes.find((dispute) => dispute.status === "needs_response");
      if (open) return this.closeDispute(open, at);
    } else if (roll < 0.15) {
      return this.payment(at, { fails: true });
    }
    const events = this.payment(at, { fails: false });
    if (this.random.chance(this.anomalies.duplicateCharge)) {
      // A double-click checkout: the same customer pays the same amount again.
      const intent = this.store.payment_intents.at(-1)!;
      this.counts.duplicate_charges += 1;
      events.push(...this.payment(at, { fails: false, customer: intent.customer!, amount: intent.amount }));
    }
    return events;
  }

  /** Automatic payout of everything not yet paid out that was created before `at`. */
  payout(at: number): StripeEvent[] {
    const due = this.store.balance_transactions.filter(
      (txn) => !txn._payout && txn.type !== "payout" && txn.created < at && txn.currency === this.currency,
    );
    const sum = due.reduce((total, txn) => total + txn.net, 0);
    if (due.length === 0 || sum <= 0) return [];
    let amount = sum;
    if (this.random.chance(this.anomalies.payout)) {
      amount += this.random.pick([-1, 1]) * this.random.int(100, 5000);
      this.counts.payout_anomalies += 1;
    }
    const payout = buildPayout({
      id: this.id("po"),
      amount,
      currency: this.currency,
      created: at,
      arrival_date: at + 2 * 86_400,
      status: "pending",
      reconciliation_status: "in_progress",
    });
    const own = buildBalanceTransaction({
      id: this.id("txn"),
      amount: -amount,
      currency: this.currency,
      type: "payout",
      created: at,
      source: payout.id,
      description: "STRIPE PAYOUT",
    });
    payout.balance_transaction = own.id;
    for (const txn of due) txn._payout = payout.id;
    this.store.payouts.push(payout);
    this.store.balance_transactions.push(own);
    this.counts.payouts += 1;
    const created = this.event("payout.created", payout, at);
    payout.status = "paid";
    payout.reconciliation_status = "completed";
    return [created, this.event("payout.paid", payout, at, { status: "pending" })];
  }

  /**
   * Forgets what was created before the cutoffs, in place (the API server holds
   * the same arrays): a long-running sandbox keeps a rolling window. Events
   * (full snapshots) can go sooner than the objects reconciliation reads.
   */
  prune({ objectsBefore, eventsBefore = objectsBefore }: { objectsBefore: number; eventsBefore?: number }) {
    for (const key of Object.keys(this.store) as (keyof StripeStore)[]) {
      const before = key === "events" ? eventsBefore : objectsBefore;
      const list = this.store[key] as { created: number }[];
      let kept = 0;
      for (const object of list) if (object.created >= before) list[kept++] = object;
      list.length = kept;
    }
  }

  private payment(
    at: number,
    { fails, customer, amount }: { fails: boolean; customer?: string; amount?: number },
  ) {
    const events: StripeEvent[] = [];
    const payer = customer ?? this.customerFor(at, events);
    const price = amount ?? this.distinctPrice(payer, at);
    const intent: StripePaymentIntent = buildPaymentIntent({
      id: this.id("pi"),
      amount: price,
      currency: this.currency,
      customer: payer,
      created: at,
      status: "requires_payment_method",
      amount_received: 0,
      description: "Sandbox order",
    });
    this.store.payment_intents.push(intent);
    events.push(this.event("payment_intent.created", intent, at));

    const charge: StripeCharge = buildCharge({
      id: this.id("ch"),
      amount: price,
      currency: this.currency,
      customer: payer,
      payment_intent: intent.id,
      created: at,
      status: fails ? "failed" : "succeeded",
    });
    this.store.charges.push(charge);
    intent.latest_charge = charge.id;

    if (fails) {
      this.counts.failed_payments += 1;
      intent.last_payment_error = { code: "card_declined", message: "Your card was declined." };
      events.push(this.event("charge.failed", charge, at));
      events.push(this.event("payment_intent.payment_failed", intent, at));
      return events;
    }

    let fee = this.expectedFee(price);
    if (this.random.chance(this.anomalies.fee)) {
      fee += this.random.int(20, 300);
      this.counts.fee_anomalies += 1;
    }
    const txn = buildBalanceTransaction({
      id: this.id("txn"),
      amount: price,
      fee,
      currency: this.currency,
      type: "charge",
      created: at,
      source: charge.id,
      description: "Sandbox order",
    });
    this.store.balance_transactions.push(txn);
    charge.balance_transaction = txn.id;
    intent.status = "succeeded";
    intent.amount_received = price;
    this.counts.payments += 1;
    events.push(this.event("charge.succeeded", charge, at));
    events.push(this.event("payment_intent.succeeded", intent, at, { status: "requires_payment_method" }));
    return events;
  }

  /**
   * A list price, nudged when this customer already paid exactly that in the
   * last half hour: the only double charges in the books are the planted ones.
   */
  private distinctPrice(customer: string, at: number): number {
    let price = this.random.pick(PRICES) + (this.random.chance(0.3) ? this.random.int(1, 99) : 0);
    const recent = new Set(
      this.store.charges
        .slice(-500)
        .filter((charge) => charge.customer === customer && charge.created > at - ACCIDENTAL_DUPLICATE_WINDOW)
        .map((charge) => charge.amount),
    );
    while (recent.has(price)) price += this.random.int(1, 99);
    return price;
  }

  private customerFor(at: number, events: StripeEvent[]): string {
    if (this.store.customers.length > 0 && this.random.chance(0.6))
      return this.random.pick(this.store.customers).id;
    const number = this.store.customers.length + 1;
    const customer: StripeCustomer = buildCustomer({
      id: this.id("cus"),
      created: at,
      email: `customer${number}@example.com`,
      name: `Sandbox Customer ${number}`,
    });
    this.store.customers.push(customer);
    this.counts.customers += 1;
    events.push(this.event("customer.created", customer, at));
    return customer.id;
  }

  /** A recent succeeded charge with something left to refund and no dispute. */
  private refundableCharge(): StripeCharge | undefined {
    const recent = this.store.charges.slice(-200);
    const candidates = recent.filter(
      (charge) => charge.status === "succeeded" && !charge.disputed && charge.amount_refunded < charge.amount,
    );
    return candidates.length > 0 ? this.random.pick(candidates) : undefined;
  }

  private refund(charge: StripeCharge, at: number): StripeEvent[] {
    const remaining = charge.amount - charge.amount_refunded;
    const amount =
      remaining > 100 && this.random.chance(0.5) ? this.random.int(100, remaining - 1) : remaining;
    const txn = buildBalanceTransaction({
      id: this.id("txn"),
      amount: -amount,
      currency: charge.currency,
      type: "refund",
      created: at,
      description: "REFUND FOR CHARGE (Sandbox order)",
    });
    const refund = buildRefund({
      id: this.id("re"),
      amount,
      currency: charge.currency,
      charge: charge.id,
      payment_intent: charge.payment_intent,
      balance_transaction: txn.id,
      created: at,
    });
    txn.source = refund.id;
    this.store.balance_transactions.push(txn);
    this.store.refunds.push(refund);
    const previous = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount;
    this.counts.refunds += 1;
    return [this.event("charge.refunded", charge, at, previous), this.event("refund.created", refund, at)];
  }

  private dispute(charge: StripeCharge, at: number): StripeEvent[] {
    const amount = charge.amount - charge.amount_refunded;
    const txn = buildBalanceTransaction({
      id: this.id("txn"),
      amount: -amount,
      fee: this.disputeFee,
      currency: charge.currency,
      type: "adjustment",
      created: at,
      description: "Chargeback withdrawal",
    });
    const dispute: StripeDispute = buildDispute({
      id: this.id("dp"),
      amount,
      currency: charge.currency,
      charge: charge.id,
      payment_intent: charge.payment_intent,
      created: at,
      balance_transactions: [],
    });
    txn.source = dispute.id;
    dispute.balance_transactions = [publicCopy(txn)];
    this.store.balance_transactions.push(txn);
    this.store.disputes.push(dispute);
    charge.disputed = true;
    this.counts.disputes += 1;
    return [
      this.event("charge.dispute.created", dispute, at),
      this.event("charge.dispute.funds_withdrawn", dispute, at),
    ];
  }

  private closeDispute(dispute: StripeDispute, at: number): StripeEvent[] {
    const won = this.random.chance(0.4);
    dispute.status = won ? "won" : "lost";
    this.counts.disputes_closed += 1;
    const events = [this.event("charge.dispute.closed", dispute, at, { status: "needs_response" })];
    if (won) {
      const txn = buildBalanceTransaction({
        id: this.id("txn"),
        amount: dispute.amount,
        currency: dispute.currency,
        type: "adjustment",
        created: at,
        source: dispute.id,
        description: "Chargeback reversal",
      });
      this.store.balance_transactions.push(txn);
      dispute.balance_transactions.push(publicCopy(txn));
      events.push(this.event("charge.dispute.funds_reinstated", dispute, at));
    }
    return events;
  }

  private event(type: string, object: object, at: number, previous?: Record<string, unknown>): StripeEvent {
    const event = buildEvent({
      id: this.id("evt"),
      type,
      dataObject: object,
      created: at,
      previous_attributes: previous,
    });
    this.store.events.push(event);
    return event;
  }

  private id(prefix: string): string {
    return stripeId(prefix, this.random);
  }
}

function publicCopy(txn: StripeBalanceTransaction): StripeBalanceTransaction {
  const { _payout: _ignored, ...rest } = txn;
  return { ...rest };
}

/**
 * A business run over `[from, to)`: activity spread evenly over time and an
 * automatic payout at every UTC midnight, like a Stripe account on a daily
 * payout schedule (`payoutIntervalSeconds` compresses the "day" for demos).
 */
export function generateBusiness({
  from,
  to,
  activityPerDay = 200,
  payoutIntervalSeconds = 86_400,
  ...options
}: BusinessOptions & {
  from: number;
  to: number;
  activityPerDay?: number;
  payoutIntervalSeconds?: number;
}): SandboxBusiness {
  const business = new SandboxBusiness(options);
  const interval = 86_400 / activityPerDay;
  let nextPayout = Math.floor(from / payoutIntervalSeconds) * payoutIntervalSeconds + payoutIntervalSeconds;
  for (let at = from; at < to; at += interval) {
    const second = Math.floor(at);
    while (nextPayout <= second) {
      business.payout(nextPayout);
      nextPayout += payoutIntervalSeconds;
    }
    business.step(second);
  }
  return business;
}
