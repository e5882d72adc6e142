import { AppError } from "@/lib/errors";
import { lineError, readCsv, type CsvSource } from "../bank/csv";
import { toMinorUnits } from "./money";

/** One line of Adyen's settlement details report, amounts in integer minor units. */
export type SettlementLine = {
  lineNo: number;
  companyAccount: string | null;
  merchantAccount: string;
  pspReference: string | null;
  merchantReference: string | null;
  paymentMethod: string | null;
  createdAt: Date;
  type: string;
  modificationReference: string | null;
  grossCurrency: string | null;
  grossDebit: number | null;
  grossCredit: number | null;
  exchangeRate: string | null;
  netCurrency: string | null;
  netDebit: number | null;
  netCredit: number | null;
  commission: number | null;
  markup: number | null;
  schemeFees: number | null;
  interchange: number | null;
  batchNumber: number | null;
};

const REQUIRED = ["Merchant Account", "Creation Date", "Type", "Net Currency"] as const;

/** Offsets of the abbreviations Adyen writes in the TimeZone column, in minutes east of UTC. */
const ZONE_OFFSETS: Record<string, number> = {
  UTC: 0,
  GMT: 0,
  WET: 0,
  WEST: 60,
  BST: 60,
  CET: 60,
  CEST: 120,
  EET: 120,
  EEST: 180,
  MSK: 180,
  EST: -300,
  EDT: -240,
  CST: -360,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
  SGT: 480,
  HKT: 480,
  JST: 540,
  AEST: 600,
  AEDT: 660,
  BRT: -180,
  IST: 330,
};

/** Minutes east of UTC that `zone` (abbreviation, ±HH:MM or an IANA name) had at that wall-clock time. */
function zoneOffset(zone: string, wallClockUtc: number): number {
  const trimmed = zone.trim();
  if (trimmed === "") return 0;
  const abbreviation = ZONE_OFFSETS[trimmed.toUpperCase()];
  if (abbreviation !== undefined) return abbreviation;
  const numeric = /^(?:UTC|GMT)?([+-])(\d{1,2}):?(\d{2})?$/i.exec(trimmed);
  if (numeric) return (numeric[1] === "-" ? -1 : 1) * (Number(numeric[2]) * 60 + Number(numeric[3] ?? 0));
  try {
    const name = new Intl.DateTimeFormat("en-US", { timeZone: trimmed, timeZoneName: "longOffset" })
      .formatToParts(new Date(wallClockUtc))
      .find((part) => part.type === "timeZoneName")?.value;
    const offset = /GMT(?:([+-])(\d{2}):(\d{2}))?/.exec(name ?? "");
    if (offset)
      return offset[1] ? (offset[1] === "-" ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) : 0;
  } catch {
    // Not an IANA name either: reported below.
  }
  throw new Error(`unknown time zone "${zone}"`);
}

/** "2025-01-15 10:23:45" in the row's TimeZone → the instant. */
function parseCreationDate(value: string, zone: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!match) throw new Error(`Creation Date "${value}" is not YYYY-MM-DD HH:MM:SS`);
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  const wallClock = Date.UTC(y!, mo! - 1, d!, h!, mi!, s ?? 0);
  return new Date(wallClock - zoneOffset(zone, wallClock) * 60_000);
}

const text = (value: string | undefined) => (value && value.trim() !== "" ? value.trim() : null);

type Cells = (name: string) => string | undefined;

/** One data line → a SettlementLine; null for Adyen's trailing summary lines. Throws on anything malformed. */
function settlementLine(lineNo: number, cell: Cells): SettlementLine | null {
  const type = text(cell("Type"));
  const merchantAccount = text(cell("Merchant Account"));
  // Adyen ends some exports with summary lines that have no type or account.
  if (!type || !merchantAccount) return null;
  const grossCurrency = text(cell("Gross Currency"))?.toUpperCase() ?? null;
  const netCurrency = text(cell("Net Currency"))?.toUpperCase() ?? null;
  const gross = (name: string) => (grossCurrency ? toMinorUnits(cell(name) ?? "", grossCurrency) : null);
  const net = (name: string) => (netCurrency ? toMinorUnits(cell(name) ?? "", netCurrency) : null);
  const batch = text(cell("Batch Number"));
  if (batch !== null && !/^\d{1,9}$/.test(batch)) throw new Error(`Batch Number "${batch}" is not a number`);
  const rate = text(cell("Exchange Rate"));
  if (rate !== null && !/^\d+(\.\d+)?$/.test(rate))
    throw new Error(`Exchange Rate "${rate}" is not a number`);
  return {
    lineNo,
    companyAccount: text(cell("Company Account")),
    merchantAccount,
    pspReference: text(cell("Psp Reference")),
    merchantReference: text(cell("Merchant Reference")),
    paymentMethod: text(cell("Payment Method")),
    createdAt: parseCreationDate(cell("Creation Date") ?? "", cell("TimeZone") ?? ""),
    type,
    modificationReference: text(cell("Modification Reference")),
    grossCurrency,
    grossDebit: gross("Gross Debit (GC)"),
    grossCredit: gross("Gross Credit (GC)"),
    exchangeRate: rate,
    netCurrency,
    netDebit: net("Net Debit (NC)"),
    netCredit: net("Net Credit (NC)"),
    commission: net("Commission (NC)"),
    markup: net("Markup (NC)"),
    schemeFees: net("Scheme Fees (NC)"),
    interchange: net("Interchange (NC)"),
    batchNumber: batch === null ? null : Number(batch),
  };
}

/**
 * Streams the report's lines, read by their header names (Adyen lets users
 * add and reorder columns), converting every amount exactly by its
 * currency's exponent. `onRow` hears of every data line read. A bad line
 * stops the stream with a 400 naming it: a partial import would make batch
 * sums disagree for no real reason.
 */
export async function* parseSettlementReport(
  source: CsvSource,
  { onRow }: { onRow?: () => void } = {},
): AsyncGenerator<SettlementLine> {
  let columns: Map<string, number> | undefined;
  for await (const { line, cells } of readCsv(source, { delimiter: "," })) {
    if (!columns) {
      columns = new Map(cells.map((name, index) => [name.trim().toLowerCase(), index]));
      const missing = REQUIRED.filter((name) => !columns!.has(name.toLowerCase()));
      if (missing.length > 0)
        throw new AppError(
          "bad_request",
          `Not a settlement details report: missing column(s) ${missing.join(", ")}`,
        );
      continue;
    }
    onRow?.();
    const index = columns;
    let parsed: SettlementLine | null;
    try {
      parsed = settlementLine(line, (name) => {
        const at = index.get(name.toLowerCase());
        return at === undefined ? undefined : cells[at];
      });
    } catch (error) {
      throw lineError(line, error instanceof Error ? error.message : String(error));
    }
    if (parsed) yield parsed;
  }
  if (!columns) throw new AppError("bad_request", "The report is empty");
}
