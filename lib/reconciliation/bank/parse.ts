import { minorUnitDigits } from "@/lib/currency";
import { AppError } from "@/lib/errors";
import { mapColumns, type ColumnField } from "./columns";
import { parseCsv } from "./csv";

export type ParsedDeposit = { bookedOn: string; amount: number; currency: string; reference: string };

/**
 * "1,234.56", "1.234,56", "-12.5", "(12.50)", "€ 12,00" → integer minor units,
 * with exact decimal arithmetic (never through a float).
 */
export function parseAmount(raw: string, currency: string): number | null {
  let text = raw
    .trim()
    .replace(/[\s\u00a0'€$£¥]/g, "")
    .replace(/[A-Za-z]{3}$/, "");
  if (text === "") return null;
  let negative = false;
  if (/^\(.*\)$/.test(text)) {
    negative = true;
    text = text.slice(1, -1);
  }
  if (text.startsWith("-")) {
    negative = !negative;
    text = text.slice(1);
  } else if (text.startsWith("+")) text = text.slice(1);
  if (text.endsWith("-")) {
    negative = !negative;
    text = text.slice(0, -1);
  }
  const decimalMark = decimalMarkOf(text);
  let integer = text;
  let fraction = "";
  if (decimalMark) {
    const at = text.lastIndexOf(decimalMark);
    integer = text.slice(0, at);
    fraction = text.slice(at + 1);
  }
  integer = integer.replace(/[.,]/g, "");
  if (!/^\d*$/.test(integer) || !/^\d*$/.test(fraction) || integer + fraction === "") return null;
  const digits = minorUnitDigits(currency);
  if (fraction.length > digits && /[1-9]/.test(fraction.slice(digits))) return null;
  const minor = Number(integer || "0") * 10 ** digits + Number((fraction + "000").slice(0, digits) || "0");
  return negative ? -minor : minor;
}

/**
 * With both marks the last one is decimal; a lone "." is decimal; a lone ","
 * is decimal unless it groups thousands ("1,234").
 */
function decimalMarkOf(text: string): "," | "." | null {
  const lastComma = text.lastIndexOf(",");
  const lastDot = text.lastIndexOf(".");
  if (lastComma >= 0 && lastDot >= 0) return lastComma > lastDot ? "," : ".";
  if (lastDot >= 0) return text.indexOf(".") === lastDot ? "." : null;
  if (lastComma >= 0)
    return text.indexOf(",") === lastComma && text.length - lastComma - 1 !== 3 ? "," : null;
  return null;
}

/** ISO dates, DD/MM/YYYY, DD.MM.YYYY and (when unambiguous) MM/DD/YYYY → YYYY-MM-DD. */
export function parseDate(raw: string): string | null {
  const text = raw.trim();
  let match = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (match) return `${match[1]}-${match[2]}-${match[3]}`;
  match = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/.exec(text);
  if (match) {
    let [day, month] = [Number(match[1]), Number(match[2])];
    if (month > 12 && day <= 12) [day, month] = [month, day];
    if (month < 1 || month > 12 || day < 1 || day > 31) return null;
    return `${match[3]}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
  }
  return null;
}

/** Credits only: a statement's debits are not deposits. */
export function parseStatement({
  csv,
  currency: defaultCurrency,
  columns,
}: {
  csv: string;
  currency?: string;
  columns?: Partial<Record<ColumnField, string>>;
}): ParsedDeposit[] {
  const rows = parseCsv(csv);
  if (rows.length < 2) throw new AppError("bad_request", "The statement has no rows under its header");
  const map = mapColumns(rows[0]!, columns);
  const deposits: ParsedDeposit[] = [];
  rows.slice(1).forEach((row, index) => {
    const line = index + 2;
    const cell = (field: ColumnField) => (map[field] === undefined ? "" : (row[map[field]!] ?? "").trim());
    const currency = (cell("currency") || defaultCurrency || "").toLowerCase();
    if (!/^[a-z]{3}$/.test(currency))
      throw new AppError("bad_request", `Line ${line}: no currency (add a Currency column or ?currency=eur)`);
    const bookedOn = parseDate(cell("date"));
    if (!bookedOn) throw new AppError("bad_request", `Line ${line}: unreadable date "${cell("date")}"`);
    const rawAmount = map.credit !== undefined && cell("credit") !== "" ? cell("credit") : cell("amount");
    if (rawAmount === "") return;
    const amount = parseAmount(rawAmount, currency);
    if (amount === null) throw new AppError("bad_request", `Line ${line}: unreadable amount "${rawAmount}"`);
    if (amount <= 0) return;
    const reference = [cell("reference"), cell("description")].filter(Boolean).join(" ").slice(0, 500);
    deposits.push({ bookedOn, amount, currency, reference });
  });
  return deposits;
}
