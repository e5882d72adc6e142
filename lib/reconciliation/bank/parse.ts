import { minorUnitDigits } from "@/lib/currency";
import { AppError } from "@/lib/errors";
import { mapColumns, type ColumnField } from "./columns";
import { lineError, readCsv, type CsvSource } from "./csv";

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
  // Digits joined as text, then read once as an integer: no float ever holds a fraction.
  const minor = BigInt((integer || "0") + fraction.padEnd(digits, "0").slice(0, digits));
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return Number(negative ? -minor : minor);
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
  if (match) return calendarDate(Number(match[1]), Number(match[2]), Number(match[3]));
  match = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/.exec(text);
  if (match) {
    let [day, month] = [Number(match[1]), Number(match[2])];
    if (month > 12 && day <= 12) [day, month] = [month, day];
    return calendarDate(Number(match[3]), month, day);
  }
  return null;
}

/** YYYY-MM-DD when that day exists (no 31 April, no 29 February outside leap years). */
function calendarDate(year: number, month: number, day: number): string | null {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return null;
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/**
 * The statement's credits, streamed row by row (a statement's debits are not
 * deposits). `onRow` hears of every data row read, credit or not. A bad row
 * stops the stream with a 400 naming its line.
 */
export async function* parseStatement({
  source,
  currency: defaultCurrency,
  columns,
  onRow,
}: {
  source: CsvSource;
  currency?: string;
  columns?: Partial<Record<ColumnField, string>>;
  onRow?: () => void;
}): AsyncGenerator<ParsedDeposit> {
  let map: ReturnType<typeof mapColumns> | undefined;
  let rows = 0;
  for await (const { line, cells } of readCsv(source)) {
    if (!map) {
      map = mapColumns(cells, columns);
      continue;
    }
    rows += 1;
    onRow?.();
    const cell = (field: ColumnField) =>
      map![field] === undefined ? "" : (cells[map![field]!] ?? "").trim();
    const currency = (cell("currency") || defaultCurrency || "").toLowerCase();
    if (!/^[a-z]{3}$/.test(currency))
      throw lineError(line, "no currency (add a Currency column or ?currency=eur)");
    const bookedOn = parseDate(cell("date"));
    if (!bookedOn) throw lineError(line, `unreadable date "${cell("date")}"`);
    const rawAmount = map.credit !== undefined && cell("credit") !== "" ? cell("credit") : cell("amount");
    if (rawAmount === "") continue;
    const amount = parseAmount(rawAmount, currency);
    if (amount === null) throw lineError(line, `unreadable amount "${rawAmount}"`);
    if (amount <= 0) continue;
    const reference = [cell("reference"), cell("description")].filter(Boolean).join(" ").slice(0, 500);
    yield { bookedOn, amount, currency, reference };
  }
  if (!map) throw new AppError("bad_request", "The statement is empty: send the CSV with its header line");
  if (rows === 0) throw new AppError("bad_request", "The statement has no rows under its header");
}
