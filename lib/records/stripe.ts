import type { RecordKind } from "@/db/schema/records";
import { ValidationError, type RecordSnapshot } from "./snapshot";

type StripeObject = Record<string, unknown>;

const str = (value: unknown): string | null => (typeof value === "string" && value.length > 0 ? value : null);
// Stripe expands some references into objects; either way we keep the id.
const ref = (value: unknown): string | null =>
  str(value) ?? (value && typeof value === "object" ? str((value as { id?: unknown }).id) : null);
const int = (value: unknown): number | null => (Number.isSafeInteger(value) ? (value as number) : null);
const seconds = (value: unknown): Date | null =>
  int(value) === null ? null : new Date((value as number) * 1000);

const KIND_BY_OBJECT: Record<string, RecordKind> = {
  payment_intent: "payment",
  charge: "charge",
  refund: "refund",
  dispute: "dispute",
  subscription: "subscription",
  invoice: "invoice",
  "checkout.session": "checkout_session",
  payout: "payout",
  customer: "customer",
};

// Objects that move money must state how much and in what currency.
const MONEY_KINDS = new Set<RecordKind>(["payment", "charge", "refund", "dispute", "payout"]);

function requireMoney(kind: RecordKind, object: StripeObject, id: string) {
  const amount = object.amount;
  if (!Number.isSafeInteger(amount) || (amount as number) < 0)
    throw new ValidationError(`${kind} ${id}: amount must be a non-negative integer in minor units`);
  if (typeof object.currency !== "string" || !/^[a-z]{3}$/i.test(object.currency))
    throw new ValidationError(`${kind} ${id}: currency must be a three-letter ISO code`);
}

function balanceFee(object: StripeObject): { fee: number | null; net: number | null } {
  const bt = object.balance_transaction;
  if (bt && typeof bt === "object") {
    const { fee, net } = bt as { fee?: unknown; net?: unknown };
    return { fee: int(fee), net: int(net) };
  }
  return { fee: null, net: null };
}

function snapshotOf(kind: RecordKind, object: StripeObject, deleted: boolean): RecordSnapshot {
  const id = str(object.id);
  if (!id) throw new ValidationError(`${kind}: object has no id`);
  if (MONEY_KINDS.has(kind)) requireMoney(kind, object, id);
  const base: RecordSnapshot = {
    provider: "stripe",
    kind,
    objectId: id,
    status: str(object.status) ?? "unknown",
    amount: int(object.amount),
    currency: str(object.currency)?.toLowerCase() ?? null,
    customerId: ref(object.customer),
    providerCreatedAt: seconds(object.created),
    data: object,
  };
  switch (kind) {
    case "payment":
      return { ...base, paymentId: id, chargeId: ref(object.latest_charge) };
    case "charge": {
      const paymentId = ref(object.payment_intent) ?? id;
      return {
        ...base,
        paymentId,
        chargeId: id,
        ownAmountRefunded: int(object.amount_refunded) ?? 0,
        ownDisputed: object.disputed === true,
        ...balanceFee(object),
      };
    }
    case "refund":
    case "dispute": {
      const chargeId = ref(object.charge);
      return { ...base, chargeId, paymentId: ref(object.payment_intent) ?? chargeId ?? id };
    }
    case "invoice":
      return {
        ...base,
        amount: int(object.amount_due) ?? int(object.total),
        paymentId: ref(object.payment_intent),
        parentId: ref(object.subscription),
      };
    case "checkout_session":
      return {
        ...base,
        amount: int(object.amount_total),
        paymentId: ref(object.payment_intent),
      };
    case "subscription":
      return { ...base, parentId: ref(object.customer) };
    case "customer":
      return { ...base, status: deleted || object.deleted === true ? "deleted" : "active", customerId: id };
    default:
      return base;
  }
}

/**
 * The record snapshots a Stripe event states: its own object and, for charges
 * that embed them, their refunds. Objects without a record kind state nothing.
 */
export function stripeSnapshots(event: {
  type: string;
  payload: Record<string, unknown> | null;
}): RecordSnapshot[] {
  const object = (event.payload?.data as { object?: unknown } | undefined)?.object;
  if (!object || typeof object !== "object")
    throw new ValidationError(`${event.type}: event has no data.object`);
  const stripeObject = object as StripeObject;
  const kind = KIND_BY_OBJECT[String(stripeObject.object)];
  if (!kind) return [];
  const snapshots = [snapshotOf(kind, stripeObject, event.type === "customer.deleted")];
  if (kind === "charge") {
    const embedded = (stripeObject.refunds as { data?: unknown } | undefined)?.data;
    if (Array.isArray(embedded)) {
      for (const refund of embedded) {
        if (refund && typeof refund === "object")
          snapshots.push(snapshotOf("refund", refund as StripeObject, false));
      }
    }
  }
  return snapshots;
}
