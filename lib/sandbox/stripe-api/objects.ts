import { randomBytes } from "node:crypto";
import type Stripe from "stripe";

/**
 * Stripe-shaped objects the sandbox API serves, and small builders so tests
 * and the business generator can plant them. Shapes follow Stripe's API
 * (only the fields Tally reads, plus the usual companions); amounts are
 * integer minor units.
 */

/** What every object has: its id, its type and when it was created (what `fresh` fills in). */
type Identity = "id" | "object" | "created";

/**
 * An object as the sandbox serves it: its identity and the fields of
 * Stripe's own type that Tally reads (plus the usual companions), with
 * Stripe's field types, and every expandable reference (`customer`,
 * `charge`, …) as the plain id the API sends when nothing is expanded.
 */
type Served<
  T extends Record<Identity, unknown>,
  Fields extends keyof T,
  References extends Fields = never,
> = Omit<Pick<T, Identity | Fields>, References> & {
  [Field in References]: Extract<T[Field], string | null>;
};

export type Metadata = Stripe.Metadata;

export type StripeCustomer = Served<
  Stripe.Customer,
  "email" | "name" | "description" | "livemode" | "metadata"
>;

export type StripePaymentIntent = Served<
  Stripe.PaymentIntent,
  | "amount"
  | "amount_received"
  | "amount_capturable"
  | "currency"
  | "customer"
  | "status"
  | "latest_charge"
  | "capture_method"
  | "payment_method_types"
  | "description"
  | "livemode"
  | "metadata",
  "customer" | "latest_charge"
> & {
  /** Stripe's error object, with the two fields the sandbox fills in. */
  last_payment_error: Pick<Stripe.PaymentIntent.LastPaymentError, "code" | "message"> | null;
};

export type StripeCharge = Served<
  Stripe.Charge,
  | "amount"
  | "amount_captured"
  | "amount_refunded"
  | "currency"
  | "customer"
  | "payment_intent"
  | "balance_transaction"
  | "status"
  | "paid"
  | "captured"
  | "refunded"
  | "disputed"
  | "failure_code"
  | "failure_message"
  | "description"
  | "livemode"
  | "metadata",
  "customer" | "payment_intent" | "balance_transaction"
>;

export type StripeRefund = Served<
  Stripe.Refund,
  | "amount"
  | "currency"
  | "charge"
  | "payment_intent"
  | "balance_transaction"
  | "reason"
  | "status"
  | "metadata",
  "charge" | "payment_intent" | "balance_transaction"
>;

export type StripeBalanceTransaction = Served<
  Stripe.BalanceTransaction,
  | "amount"
  | "fee"
  | "net"
  | "currency"
  | "available_on"
  | "description"
  | "exchange_rate"
  | "fee_details"
  | "reporting_category"
  | "source"
  | "status"
  | "type",
  "source"
> & {
  /**
   * Sandbox bookkeeping, never served: the automatic payout that paid this
   * transaction out. Stripe keeps this link internally and exposes it only
   * through `GET /v1/balance_transactions?payout=`.
   */
  _payout?: string | null;
};

export type StripeDispute = Served<
  Stripe.Dispute,
  | "amount"
  | "currency"
  | "charge"
  | "payment_intent"
  | "reason"
  | "status"
  | "is_charge_refundable"
  | "livemode"
  | "metadata",
  "charge" | "payment_intent"
> & { balance_transactions: StripeBalanceTransaction[] };

export type StripePayout = Served<
  Stripe.Payout,
  | "amount"
  | "currency"
  | "arrival_date"
  | "automatic"
  | "balance_transaction"
  | "status"
  | "method"
  | "type"
  | "destination"
  | "description"
  | "failure_code"
  | "source_type"
  | "statement_descriptor"
  | "reconciliation_status"
  | "livemode"
  | "metadata",
  "balance_transaction" | "destination"
>;

/** Stripe's event envelope; the sandbox's events carry any object, so `type` and `data` stay open. */
export type StripeEvent = Pick<
  Stripe.Event,
  "id" | "object" | "api_version" | "created" | "livemode" | "pending_webhooks" | "request"
> & {
  type: string;
  data: { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> };
};

export type StripeStore = {
  customers: StripeCustomer[];
  payment_intents: StripePaymentIntent[];
  charges: StripeCharge[];
  refunds: StripeRefund[];
  disputes: StripeDispute[];
  payouts: StripePayout[];
  balance_transactions: StripeBalanceTransaction[];
  events: StripeEvent[];
};

export type StripeResource = keyof StripeStore;

export const STRIPE_RESOURCES: readonly StripeResource[] = [
  "customers",
  "payment_intents",
  "charges",
  "refunds",
  "disputes",
  "payouts",
  "balance_transactions",
  "events",
];

export const SANDBOX_API_VERSION = "2025-01-27.acacia";

export const emptyStore = (): StripeStore => ({
  customers: [],
  payment_intents: [],
  charges: [],
  refunds: [],
  disputes: [],
  payouts: [],
  balance_transactions: [],
  events: [],
});

const ID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** A Stripe-looking id (`ch_3Px…`); pass `random` for deterministic ids. */
export function stripeId(prefix: string, random: () => number = cryptoRandom): string {
  let body = "";
  for (let i = 0; i < 24; i += 1) body += ID_ALPHABET[Math.floor(random() * ID_ALPHABET.length)];
  return `${prefix}_${body}`;
}

function cryptoRandom(): number {
  return randomBytes(4).readUInt32BE(0) / 0x1_0000_0000;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** What every object the sandbox creates starts with: a new id with its type's prefix, its type, when it was made. */
function fresh<Type extends string>(object: Type, prefix: string, created = nowSeconds()) {
  return { id: stripeId(prefix), object, created };
}

/** A builder's fields: any of the object's, and the ones it cannot default. */
type Fields<T, Required extends keyof T = never> = Partial<T> & Pick<T, Required>;

/** A test-mode object with no metadata, as the sandbox creates them. */
const unlabelled = () => ({ livemode: false as const, metadata: {} });

export function buildCustomer(fields: Fields<StripeCustomer> = {}): StripeCustomer {
  return {
    ...fresh("customer", "cus"),
    email: null,
    name: null,
    description: null,
    ...unlabelled(),
    ...fields,
  };
}

export function buildPaymentIntent(
  fields: Fields<StripePaymentIntent, "amount" | "currency">,
): StripePaymentIntent {
  const status = fields.status ?? "succeeded";
  return {
    ...fresh("payment_intent", "pi"),
    amount_received: status === "succeeded" ? fields.amount : 0,
    amount_capturable: 0,
    customer: null,
    status,
    latest_charge: null,
    capture_method: "automatic",
    payment_method_types: ["card"],
    description: null,
    last_payment_error: null,
    ...unlabelled(),
    ...fields,
  };
}

export function buildCharge(fields: Fields<StripeCharge, "amount" | "currency">): StripeCharge {
  const status = fields.status ?? "succeeded";
  const succeeded = status === "succeeded";
  return {
    ...fresh("charge", "ch"),
    amount_captured: succeeded ? fields.amount : 0,
    amount_refunded: 0,
    customer: null,
    payment_intent: null,
    balance_transaction: null,
    status,
    paid: succeeded,
    captured: succeeded,
    refunded: false,
    disputed: false,
    failure_code: succeeded ? null : "card_declined",
    failure_message: succeeded ? null : "Your card was declined.",
    description: null,
    ...unlabelled(),
    ...fields,
  };
}

export function buildRefund(fields: Fields<StripeRefund, "amount" | "currency" | "charge">): StripeRefund {
  return {
    ...fresh("refund", "re"),
    payment_intent: null,
    balance_transaction: null,
    reason: "requested_by_customer",
    status: "succeeded",
    metadata: {},
    ...fields,
  };
}

export function buildDispute(fields: Fields<StripeDispute, "amount" | "currency" | "charge">): StripeDispute {
  return {
    ...fresh("dispute", "dp"),
    payment_intent: null,
    balance_transactions: [],
    reason: "fraudulent",
    status: "needs_response",
    is_charge_refundable: false,
    ...unlabelled(),
    ...fields,
  };
}

export function buildPayout(fields: Fields<StripePayout, "amount" | "currency">): StripePayout {
  const created = fields.created ?? nowSeconds();
  return {
    ...fresh("payout", "po", created),
    arrival_date: created + 2 * 86_400,
    automatic: true,
    balance_transaction: null,
    status: "paid",
    method: "standard",
    type: "bank_account",
    destination: "ba_sandbox_bank_account",
    description: "STRIPE PAYOUT",
    failure_code: null,
    source_type: "card",
    statement_descriptor: null,
    reconciliation_status: "completed",
    ...unlabelled(),
    ...fields,
  };
}

// Where Stripe's reporting category is not the transaction type itself.
const REPORTING_CATEGORY: Partial<Record<StripeBalanceTransaction["type"], string>> = {
  adjustment: "dispute",
  stripe_fee: "fee",
};

/** `net` defaults to `amount - fee`, as Stripe computes it. */
export function buildBalanceTransaction(
  fields: Partial<StripeBalanceTransaction> &
    Pick<StripeBalanceTransaction, "amount" | "currency" | "type"> & { payout?: string | null },
): StripeBalanceTransaction {
  const { payout, ...rest } = fields;
  const created = rest.created ?? nowSeconds();
  const fee = rest.fee ?? 0;
  return {
    ...fresh("balance_transaction", "txn", created),
    fee,
    net: rest.amount - fee,
    available_on: created,
    description: null,
    exchange_rate: null,
    fee_details:
      fee === 0
        ? []
        : [
            {
              amount: fee,
              currency: rest.currency,
              description: "Stripe processing fees",
              type: "stripe_fee",
              application: null,
            },
          ],
    reporting_category: REPORTING_CATEGORY[rest.type] ?? rest.type,
    source: null,
    status: "available",
    ...rest,
    _payout: payout ?? rest._payout ?? null,
  };
}

/** An event carries a snapshot of its object, taken when the event happened. */
export function buildEvent(
  fields: Partial<Omit<StripeEvent, "data" | "object" | "type">> & {
    type: string;
    dataObject: object;
    previous_attributes?: Record<string, unknown>;
  },
): StripeEvent {
  const { dataObject, previous_attributes, ...rest } = fields;
  return {
    ...fresh("event", "evt"),
    api_version: SANDBOX_API_VERSION,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    ...rest,
    data: {
      object: servedShape(dataObject),
      ...(previous_attributes ? { previous_attributes } : {}),
    },
  };
}

/** A deep copy without sandbox bookkeeping (fields starting with `_`), as the API serves it. */
export function servedShape(object: object): Record<string, unknown> {
  return JSON.parse(JSON.stringify(object, (key, value) => (key.startsWith("_") ? undefined : value)));
}
