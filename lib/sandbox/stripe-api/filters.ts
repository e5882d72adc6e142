import type { StripeBalanceTransaction, StripeStore, StripeResource } from "./objects";
import type { Listed } from "./pagination";
import { InvalidRequestError } from "./request-error";

/** The list filters Stripe offers on the endpoints Tally reads. */

export function filterList(resource: StripeResource, store: StripeStore, params: URLSearchParams): Listed[] {
  let list = (store[resource] as Listed[]).filter(createdFilter(params));
  const field = (name: string) => params.get(name) || null;
  const by = (key: string, value: string | null) => {
    if (value !== null) list = list.filter((object) => (object as Record<string, unknown>)[key] === value);
  };

  switch (resource) {
    case "charges":
      by("payment_intent", field("payment_intent"));
      by("customer", field("customer"));
      break;
    case "payment_intents":
      by("customer", field("customer"));
      break;
    case "refunds":
    case "disputes":
      by("charge", field("charge"));
      by("payment_intent", field("payment_intent"));
      break;
    case "payouts":
      by("status", field("status"));
      break;
    case "balance_transactions": {
      by("type", field("type"));
      by("source", field("source"));
      const payoutId = field("payout");
      if (payoutId !== null) {
        const payout = store.payouts.find((candidate) => candidate.id === payoutId);
        if (!payout)
          throw new InvalidRequestError(`No such payout: '${payoutId}'`, "payout", 404, "resource_missing");
        // Like Stripe, the payout's own (negative) transaction is part of the list.
        list = list.filter((txn) => {
          const transaction = txn as StripeBalanceTransaction;
          return transaction._payout === payoutId || transaction.id === payout.balance_transaction;
        });
      }
      break;
    }
    case "events": {
      const types = [field("type"), ...arrayParam(params, "types")].filter((type): type is string =>
        Boolean(type),
      );
      if (types.length > 0) {
        const patterns = types.map(typePattern);
        list = list.filter((event) =>
          patterns.some((pattern) => pattern.test((event as unknown as { type: string }).type)),
        );
      }
      break;
    }
    default:
      break;
  }
  return list;
}

/** `types[]=a`, `types[0]=a` (the SDK's encoding) and repeated keys all count. */
function arrayParam(params: URLSearchParams, name: string): string[] {
  const values: string[] = [];
  const keyPattern = new RegExp(`^${name}\\[\\d*\\]$`);
  for (const [key, value] of params) if (keyPattern.test(key)) values.push(value);
  return values;
}

/** Stripe accepts `*` wildcards in event types, e.g. `charge.dispute.*`. */
function typePattern(type: string): RegExp {
  const escaped = type.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`);
}

function createdFilter(params: URLSearchParams): (object: Listed) => boolean {
  const bounds: [string, (created: number, bound: number) => boolean][] = [
    ["gte", (c, b) => c >= b],
    ["gt", (c, b) => c > b],
    ["lte", (c, b) => c <= b],
    ["lt", (c, b) => c < b],
  ];
  const checks: ((created: number) => boolean)[] = [];
  const exact = params.get("created");
  if (exact) {
    const value = timestamp(exact, "created");
    checks.push((created) => created === value);
  }
  for (const [operator, compare] of bounds) {
    const raw = params.get(`created[${operator}]`);
    if (!raw) continue;
    const value = timestamp(raw, `created[${operator}]`);
    checks.push((created) => compare(created, value));
  }
  return (object) => checks.every((check) => check(object.created));
}

function timestamp(raw: string, param: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value))
    throw new InvalidRequestError(`Invalid timestamp: must be an integer Unix timestamp.`, param);
  return value;
}
