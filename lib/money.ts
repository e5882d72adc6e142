import { minorUnitDigits } from "@/lib/currency";

export type MoneyByCurrency = { currency: string; amount: number }[];

/** Sums integer minor units per currency (never mixing currencies). */
export function sumByCurrency(items: { amount: number | null; currency: string | null }[]): MoneyByCurrency {
  const totals = new Map<string, number>();
  for (const item of items) {
    if (item.amount == null || !item.currency) continue;
    totals.set(item.currency, (totals.get(item.currency) ?? 0) + item.amount);
  }
  return [...totals.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, amount]) => ({ currency, amount }));
}

/**
 * Minor units → a display string, e.g. 12345 eur → "€123.45", 12345 kwd →
 * "KWD 12.345". The digits are the provider's minor units, not Intl's own
 * idea of the currency, so no amount is ever shown rounded.
 */
export function formatMoney(amount: number, currency: string): string {
  const exponent = minorUnitDigits(currency.toLowerCase());
  try {
    return new Intl.NumberFormat("en", {
      style: "currency",
      currency: currency.toUpperCase(),
      minimumFractionDigits: exponent,
      maximumFractionDigits: exponent,
    }).format(amount / 10 ** exponent);
  } catch {
    return `${(amount / 10 ** exponent).toFixed(exponent)} ${currency.toUpperCase()}`;
  }
}

/** Amounts in several currencies for one line of text, e.g. "€12.00, $3.50"; empty when there are none. */
export function formatMoneyList(money: MoneyByCurrency): string {
  return money.map((item) => formatMoney(item.amount, item.currency)).join(", ");
}
