import { AppError } from "@/lib/errors";

/**
 * Header names the common bank exports use for each field we need
 * (lower-cased, spaces and punctuation collapsed).
 */
const ALIASES = {
  date: [
    "date",
    "bookingdate",
    "bookeddate",
    "bookedon",
    "transactiondate",
    "postingdate",
    "posteddate",
    "valuedate",
    "buchungstag",
    "datum",
    "dateoperation",
  ],
  amount: ["amount", "transactionamount", "value", "betrag", "montant", "sum"],
  credit: ["credit", "creditamount", "paidin", "moneyin", "deposit", "deposits", "haben"],
  debit: ["debit", "debitamount", "paidout", "moneyout", "withdrawal", "withdrawals", "soll"],
  currency: ["currency", "ccy", "currencycode", "curr", "wahrung", "waehrung", "devise"],
  reference: [
    "reference",
    "ref",
    "bankreference",
    "endtoendid",
    "transactionreference",
    "paymentreference",
    "verwendungszweck",
  ],
  description: [
    "description",
    "details",
    "narrative",
    "memo",
    "payee",
    "counterparty",
    "remittanceinformation",
    "text",
    "libelle",
    "name",
  ],
} as const;

export type ColumnField = keyof typeof ALIASES;
export type ColumnMap = Partial<Record<ColumnField, number>>;

const normalise = (header: string) =>
  header
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");

/** Finds each field's column; explicit overrides (`?date=Booking%20Day`) win over the aliases. */
export function mapColumns(
  headers: string[],
  overrides: Partial<Record<ColumnField, string>> = {},
): ColumnMap {
  const normalised = headers.map(normalise);
  const map: ColumnMap = {};
  for (const field of Object.keys(ALIASES) as ColumnField[]) {
    const override = overrides[field];
    if (override) {
      const index = normalised.indexOf(normalise(override));
      if (index < 0)
        throw new AppError("bad_request", `Column "${override}" (for ${field}) is not in the header`);
      map[field] = index;
      continue;
    }
    const index = normalised.findIndex((header) => (ALIASES[field] as readonly string[]).includes(header));
    if (index >= 0) map[field] = index;
  }
  if (map.date === undefined)
    throw new AppError("bad_request", "No date column found (e.g. Date, Booking date)");
  if (map.amount === undefined && map.credit === undefined)
    throw new AppError("bad_request", "No amount column found (e.g. Amount, Credit, Paid in)");
  return map;
}
