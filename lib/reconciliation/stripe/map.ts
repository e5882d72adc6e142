import type Stripe from "stripe";
import type { StagedRow } from "../stage";

/** Stripe objects → staged rows. Expandable fields arrive as ids unless expanded. */

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
// Stripe's currencies are lowercase ISO codes; our records keep them so too.
const lower = (currency: string | null | undefined) => currency?.toLowerCase() ?? null;
const idOf = (value: string | { id: string } | null | undefined) =>
  value == null ? null : typeof value === "string" ? value : value.id;

export function paymentIntentRow(intent: Stripe.PaymentIntent): StagedRow {
  return {
    objectType: "payment_intent",
    objectId: intent.id,
    paymentIntentId: intent.id,
    chargeId: idOf(intent.latest_charge),
    status: intent.status,
    amount: intent.amount,
    currency: lower(intent.currency),
    customer: idOf(intent.customer),
    created: iso(intent.created),
  };
}

export function chargeRow(charge: Stripe.Charge): StagedRow {
  return {
    objectType: "charge",
    objectId: charge.id,
    paymentIntentId: idOf(charge.payment_intent),
    chargeId: charge.id,
    status: charge.status,
    amount: charge.amount,
    currency: lower(charge.currency),
    amountRefunded: charge.amount_refunded,
    disputed: charge.disputed,
    customer: idOf(charge.customer),
    balanceTransactionId: idOf(charge.balance_transaction),
    created: iso(charge.created),
  };
}

export function refundRow(refund: Stripe.Refund): StagedRow {
  return {
    objectType: "refund",
    objectId: refund.id,
    paymentIntentId: idOf(refund.payment_intent),
    chargeId: idOf(refund.charge),
    status: refund.status,
    amount: refund.amount,
    currency: lower(refund.currency),
    balanceTransactionId: idOf(refund.balance_transaction),
    created: iso(refund.created),
  };
}

export function disputeRow(dispute: Stripe.Dispute): StagedRow {
  return {
    objectType: "dispute",
    objectId: dispute.id,
    paymentIntentId: idOf(dispute.payment_intent),
    chargeId: idOf(dispute.charge),
    status: dispute.status,
    amount: dispute.amount,
    currency: lower(dispute.currency),
    created: iso(dispute.created),
  };
}

export function payoutRow(payout: Stripe.Payout): StagedRow {
  return {
    objectType: "payout",
    objectId: payout.id,
    status: payout.status,
    amount: payout.amount,
    currency: lower(payout.currency),
    balanceTransactionId: idOf(payout.balance_transaction),
    arrivalDate: iso(payout.arrival_date),
    automatic: payout.automatic,
    created: iso(payout.created),
  };
}

export function balanceTransactionRow(txn: Stripe.BalanceTransaction, payoutId?: string): StagedRow {
  return {
    objectType: "balance_transaction",
    objectId: txn.id,
    status: txn.status,
    amount: txn.amount,
    currency: lower(txn.currency),
    fee: txn.fee,
    net: txn.net,
    // Kept as the exact decimal Stripe sent; the schema column is numeric, never a float.
    exchangeRate: txn.exchange_rate == null ? null : String(txn.exchange_rate),
    txnType: txn.type,
    source: idOf(txn.source as string | { id: string } | null),
    payoutId: payoutId ?? null,
    created: iso(txn.created),
  };
}

const EVENT_OBJECTS = new Set(["payment_intent", "charge", "refund", "dispute", "payout"]);

/**
 * An event Stripe lists but we never received, staged with its payload so it
 * can be recovered once matching shows which objects lack their webhooks.
 * Null for events about objects matching does not look at.
 */
export function eventRow(event: Stripe.Event): StagedRow | null {
  const object = event.data.object as unknown as {
    id?: string;
    object?: string;
    payment_intent?: string | { id: string } | null;
    charge?: string | { id: string } | null;
  };
  if (!object.id || !object.object || !EVENT_OBJECTS.has(object.object)) return null;
  return {
    objectType: "event",
    objectId: event.id,
    txnType: event.type,
    source: object.id,
    status: object.object,
    paymentIntentId: object.object === "payment_intent" ? object.id : idOf(object.payment_intent),
    chargeId: object.object === "charge" ? object.id : idOf(object.charge),
    created: iso(event.created),
    payload: event as unknown as Record<string, unknown>,
  };
}
