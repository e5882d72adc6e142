import type postgres from "postgres";
import {
  buildBalanceTransaction,
  buildCharge,
  buildDispute,
  buildEvent,
  buildPaymentIntent,
  buildPayout,
  buildRefund,
  emptyStore,
  type StripeStore,
} from "@/lib/sandbox/stripe-api/objects";

/**
 * A Stripe account's hour of business with one planted fault per
 * discrepancy kind, the internal records our processing "produced" for it,
 * and the events we received. Clean payments outnumber a Stripe page, so
 * pagination is exercised.
 */

export const FEE = { percent: 2.9, fixed: 30 };
export const feeOf = (amount: number) => Math.round((amount * FEE.percent) / 100) + FEE.fixed;

export type InternalRecord = {
  kind: "payment" | "payout";
  objectId: string;
  chargeId: string | null;
  status: string;
  amount: number;
  currency: string;
  amountRefunded: number;
  disputed: boolean;
  customer: string | null;
  created: number;
};

export type Scenario = {
  store: StripeStore;
  records: InternalRecord[];
  receivedEventIds: string[];
  from: Date;
  to: Date;
  /** (kind, object id) of every planted fault. */
  planted: { kind: string; objectId: string }[];
  ids: Record<string, string>;
  /** A bank statement covering the payouts' arrival dates. */
  statementCsv: string;
};

export function buildScenario({ cleanPayments = 140 }: { cleanPayments?: number } = {}): Scenario {
  const store = emptyStore();
  const records: InternalRecord[] = [];
  const receivedEventIds: string[] = [];
  const planted: Scenario["planted"] = [];
  const ids: Record<string, string> = {};
  const start = Math.floor(Date.now() / 1000 / 3600) * 3600 - 4 * 3600;
  let clock = start + 60;
  const tick = (seconds = 7) => (clock += seconds);

  type PaymentOptions = {
    amount?: number;
    currency?: string;
    customer?: string;
    fee?: number;
    refunded?: number;
    disputed?: boolean;
    intentStatus?: "succeeded" | "canceled" | "processing";
    settlement?: { currency: string; rate: number; amount?: number };
    record?: Partial<InternalRecord> | null;
    receiveEvents?: boolean;
    created?: number;
  };

  const payment = (options: PaymentOptions = {}) => {
    const created = options.created ?? tick();
    const amount = options.amount ?? 1000 + ((created * 37) % 9000);
    const currency = options.currency ?? "eur";
    const customer = options.customer ?? `cus_${created}_${Math.floor(Math.random() * 1e6)}`;
    const settledCurrency = options.settlement?.currency ?? currency;
    const settledAmount =
      options.settlement?.amount ??
      (options.settlement ? Math.round(amount * options.settlement.rate) : amount);
    const fee = options.fee ?? feeOf(settledAmount);
    const txn = buildBalanceTransaction({
      type: "charge",
      amount: settledAmount,
      currency: settledCurrency,
      fee,
      created,
      exchange_rate: options.settlement ? options.settlement.rate : null,
    });
    const intent = buildPaymentIntent({
      amount,
      currency,
      customer,
      created,
      status: options.intentStatus ?? "succeeded",
    });
    const charge = buildCharge({
      amount,
      currency,
      customer,
      created,
      payment_intent: intent.id,
      balance_transaction: txn.id,
      amount_refunded: options.refunded ?? 0,
      refunded: (options.refunded ?? 0) >= amount,
      disputed: options.disputed ?? false,
    });
    txn.source = charge.id;
    intent.latest_charge = charge.id;
    store.payment_intents.push(intent);
    store.charges.push(charge);
    store.balance_transactions.push(txn);
    if (options.refunded) {
      const refundTxn = buildBalanceTransaction({
        type: "refund",
        amount: -options.refunded,
        currency,
        created: created + 1,
      });
      const refund = buildRefund({
        amount: options.refunded,
        currency,
        charge: charge.id,
        payment_intent: intent.id,
        created: created + 1,
        balance_transaction: refundTxn.id,
      });
      refundTxn.source = refund.id;
      store.refunds.push(refund);
      store.balance_transactions.push(refundTxn);
    }
    if (options.disputed) {
      store.disputes.push(
        buildDispute({
          amount,
          currency,
          charge: charge.id,
          payment_intent: intent.id,
          created: created + 2,
        }),
      );
    }
    const events = [
      buildEvent({ type: "payment_intent.succeeded", dataObject: intent, created }),
      buildEvent({ type: "charge.succeeded", dataObject: charge, created }),
    ];
    store.events.push(...events);
    if (options.receiveEvents !== false) receivedEventIds.push(...events.map((event) => event.id));
    if (options.record !== null) {
      records.push({
        kind: "payment",
        objectId: intent.id,
        chargeId: charge.id,
        status: intent.status,
        amount,
        currency,
        amountRefunded: options.refunded ?? 0,
        disputed: options.disputed ?? false,
        customer,
        created,
        ...options.record,
      });
    }
    return { intent, charge, txn };
  };

  const cleanTxns: ReturnType<typeof buildBalanceTransaction>[] = [];
  for (let i = 0; i < cleanPayments; i += 1) cleanTxns.push(payment().txn);
  // A clean refund and a clean dispute: both sides agree.
  payment({ refunded: 400 });
  payment({ disputed: true });

  const plant = (kind: string, objectId: string, name = kind) => {
    planted.push({ kind, objectId });
    ids[name] = objectId;
  };

  plant("missing_internal", payment({ record: null }).intent.id);
  plant("amount_mismatch", payment({ amount: 5000, record: { amount: 4900 } }).intent.id);
  plant("currency_mismatch", payment({ record: { currency: "usd" } }).intent.id);
  plant("status_mismatch", payment({ intentStatus: "canceled", record: { status: "succeeded" } }).intent.id);
  plant("refund_mismatch", payment({ refunded: 700, record: { amountRefunded: 0 } }).intent.id);
  plant("dispute_mismatch", payment({ disputed: true, record: { disputed: false } }).intent.id);
  plant("fee_mismatch", payment({ amount: 10_000, fee: feeOf(10_000) + 50 }).intent.id);
  plant(
    "fx_mismatch",
    payment({ amount: 10_000, currency: "usd", settlement: { currency: "eur", rate: 0.9, amount: 9_100 } })
      .intent.id,
  );
  // A correctly converted payment is not an FX finding.
  payment({ amount: 20_000, currency: "usd", settlement: { currency: "eur", rate: 0.92 } });

  const twinCustomer = "cus_twin";
  payment({ amount: 2500, customer: twinCustomer });
  plant("duplicate_charge", payment({ amount: 2500, customer: twinCustomer, created: tick(180) }).intent.id);
  // Same customer and amount but far apart: not a duplicate.
  payment({ amount: 3300, customer: "cus_regular" });
  payment({ amount: 3300, customer: "cus_regular", created: tick(1200) });

  // Missed webhook: the provider lists the events, we never received them, and no record exists.
  plant("missing_internal", payment({ record: null, receiveEvents: false }).intent.id, "recovered");

  // We have it, the provider does not.
  const ghostCreated = tick();
  const ghost = `pi_ghost${ghostCreated}`;
  records.push({
    kind: "payment",
    objectId: ghost,
    chargeId: null,
    status: "succeeded",
    amount: 1234,
    currency: "eur",
    amountRefunded: 0,
    disputed: false,
    customer: "cus_ghost",
    created: ghostCreated,
  });
  plant("missing_at_provider", ghost);

  // Payouts: one clean, one whose amount disagrees with its transactions, two checked against the bank.
  const payoutOf = (txns: typeof cleanTxns, delta = 0) => {
    const created = tick(60);
    const net = txns.reduce((sum, txn) => sum + txn.net, 0);
    const own = buildBalanceTransaction({ type: "payout", amount: -(net + delta), currency: "eur", created });
    const payout = buildPayout({
      amount: net + delta,
      currency: "eur",
      created,
      balance_transaction: own.id,
    });
    own.source = payout.id;
    own._payout = payout.id;
    for (const txn of txns) txn._payout = payout.id;
    store.payouts.push(payout);
    store.balance_transactions.push(own);
    store.events.push(buildEvent({ type: "payout.paid", dataObject: payout, created }));
    receivedEventIds.push(store.events.at(-1)!.id);
    records.push({
      kind: "payout",
      objectId: payout.id,
      chargeId: null,
      status: payout.status,
      amount: payout.amount,
      currency: "eur",
      amountRefunded: 0,
      disputed: false,
      customer: null,
      created,
    });
    return payout;
  };
  const cleanPayout = payoutOf(cleanTxns.slice(0, 40));
  const mismatched = payoutOf(cleanTxns.slice(40, 60), 100);
  plant("payout_mismatch", mismatched.id);
  const noDeposit = payoutOf(cleanTxns.slice(60, 80));
  plant("deposit_missing", noDeposit.id);
  const wrongDeposit = payoutOf(cleanTxns.slice(80, 100));
  plant("deposit_mismatch", wrongDeposit.id);
  const byAmount = payoutOf(cleanTxns.slice(100, 120));
  ids.cleanPayout = cleanPayout.id;

  const day = (payout: { arrival_date: number }) =>
    new Date(payout.arrival_date * 1000).toISOString().slice(0, 10);
  const euros = (minor: number) => (minor / 100).toFixed(2);
  const statementCsv = [
    "Booking Date,Description,Amount,Currency",
    `${day(cleanPayout)},"STRIPE PAYOUT ${cleanPayout.id}",${euros(cleanPayout.amount)},EUR`,
    `${day(mismatched)},"PAYOUT REF ${mismatched.id.toUpperCase()}",${euros(mismatched.amount)},EUR`,
    `${day(wrongDeposit)},"STRIPE PAYOUT ${wrongDeposit.id}",${euros(wrongDeposit.amount - 250)},EUR`,
    // No reference, but the same amount within the window: matched by amount.
    `${day(byAmount)},"STRIPE TRANSFER",${euros(byAmount.amount)},EUR`,
    `${day(byAmount)},"CARD PAYMENT",-12.00,EUR`,
  ].join("\n");

  return {
    store,
    records,
    receivedEventIds,
    from: new Date(start * 1000),
    to: new Date((start + 3 * 3600) * 1000),
    planted,
    ids,
    statementCsv,
  };
}

/** Writes internal records as processing would have left them (the records module's table). */
export async function insertRecords(sql: postgres.Sql, records: InternalRecord[]) {
  for (const record of records) {
    await sql`
      insert into records (provider, kind, object_id, payment_id, charge_id, status, amount, currency,
        amount_refunded, disputed, customer_id, provider_created_at, order_key)
      values ('stripe', ${record.kind}, ${record.objectId},
        ${record.kind === "payment" ? record.objectId : null}, ${record.chargeId}, ${record.status},
        ${record.amount}, ${record.currency}, ${record.amountRefunded}, ${record.disputed},
        ${record.customer}, to_timestamp(${record.created}), 'test')`;
  }
}

export async function insertReceivedEvents(sql: postgres.Sql, store: StripeStore, eventIds: string[]) {
  const wanted = new Set(eventIds);
  for (const event of store.events.filter((candidate) => wanted.has(candidate.id))) {
    await sql`
      insert into events (provider, provider_event_id, type, object_id, status, payload)
      values ('stripe', ${event.id}, ${event.type}, ${String(event.data.object.id)}, 'processed',
        ${JSON.stringify(event)}::jsonb)`;
  }
}
