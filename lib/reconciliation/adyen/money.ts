/** ISO 4217 minor-unit exponents that are not 2. */
const EXPONENTS: Record<string, number> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

export const currencyExponent = (currency: string) => EXPONENTS[currency.toUpperCase()] ?? 2;

const DECIMAL = /^(-)?(\d+)(?:\.(\d*))?$/;

/**
 * "1234.50" EUR → 123450 (Adyen writes plain decimals with a dot). Exact string arithmetic: a float would turn
 * 0.29 into 28.999… cents. More decimals than the currency has are an error
 * unless they are zeros, since rounding them would invent or lose money.
 */
export function toMinorUnits(value: string, currency: string): number | null {
  const text = value.trim();
  if (text === "") return null;
  const match = DECIMAL.exec(text);
  if (!match) throw new Error(`not an amount: "${value}"`);
  const exponent = currencyExponent(currency);
  const fraction = (match[3] ?? "").replace(/0+$/, "");
  if (fraction.length > exponent)
    throw new Error(`"${value}" has more decimals than ${currency.toUpperCase()} has minor units`);
  const minor = BigInt(match[2]! + fraction.padEnd(exponent, "0"));
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`amount too large: "${value}"`);
  return Number(match[1] ? -minor : minor);
}
