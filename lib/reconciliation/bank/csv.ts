import { Readable } from "node:stream";
import { parse, type CsvError, type Options } from "csv-parse";
import { AppError } from "@/lib/errors";

/** A CSV file as one string, or as the chunks of an upload arriving. */
export type CsvSource = string | AsyncIterable<Uint8Array | string>;

/** One record and the line of the file it starts on (1 = the header). */
export type CsvRow = { line: number; cells: string[] };

/** No bank or Adyen line comes near this; an unclosed quote would otherwise swallow the rest of the file. */
const MAX_RECORD_BYTES = 1024 * 1024;

const LINE_BREAKS = /\r\n|\r|\n/g;

export const lineError = (line: number, reason: string) =>
  new AppError("bad_request", `Line ${line}: ${reason}`, { line });

/** European exports often use `;` because `,` is their decimal separator. */
function detectDelimiter(header: string): string {
  const counts = [",", ";", "\t"].map((candidate) => [candidate, header.split(candidate).length] as const);
  return counts.sort((a, b) => b[1] - a[1])[0]![0];
}

function describeParseError(error: CsvError, line: number): AppError {
  const reasons: Record<string, string> = {
    CSV_QUOTE_NOT_CLOSED: "a quoted field is never closed",
    CSV_MAX_RECORD_SIZE: `a record longer than ${MAX_RECORD_BYTES} bytes (is a quote left open?)`,
    CSV_INVALID_CLOSING_QUOTE: "a closing quote is followed by something other than a delimiter or line end",
    CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: "text follows a closing quote",
  };
  return lineError(line, reasons[error.code] ?? error.message.replace(/ at line \d+.*$/s, ""));
}

const isCsvError = (error: unknown): error is CsvError =>
  error instanceof Error &&
  typeof (error as { code?: unknown }).code === "string" &&
  /^CSV_/.test((error as CsvError).code);

/**
 * Streams the records of a CSV file through csv-parse (RFC 4180: quoted
 * fields, doubled quotes, CRLF, LF or CR, a byte-order mark), one at a time
 * and with backpressure, so a file of any length is read in bounded memory.
 * The delimiter (`,`, `;` or tab) is taken from the header line unless given.
 * Blank records are skipped; a malformed one stops the stream with a
 * 400 naming the line it starts on.
 */
export async function* readCsv(
  source: CsvSource,
  { delimiter }: { delimiter?: string } = {},
): AsyncGenerator<CsvRow> {
  const chunks = (typeof source === "string" ? Readable.from([source]) : source)[
    Symbol.asyncIterator
  ]() as AsyncIterator<Uint8Array | string>;
  const head: (Uint8Array | string)[] = [];
  if (!delimiter) {
    let headText = "";
    for (;;) {
      const next = await chunks.next();
      if (next.done) break;
      head.push(next.value);
      headText += typeof next.value === "string" ? next.value : Buffer.from(next.value).toString("utf8");
      if (/[\r\n]/.test(headText)) break;
      if (headText.length > MAX_RECORD_BYTES) throw lineError(1, "the header line never ends");
    }
    delimiter = detectDelimiter(headText.replace(/^\uFEFF/, "").split(/\r?\n|\r/, 1)[0] ?? "");
  }

  const input = Readable.from(
    (async function* () {
      yield* head;
      for (;;) {
        const next = await chunks.next();
        if (next.done) return;
        yield next.value;
      }
    })(),
    { objectMode: false },
  );
  // Lines are counted here, in parse order, rather than taken from csv-parse's
  // info (which counts a CRLF inside a quoted field twice); when a record is
  // malformed, `nextLine` is where that record starts.
  let nextLine = 1;
  const options: Options<CsvRow | null, string[]> = {
    delimiter,
    bom: true,
    record_delimiter: ["\r\n", "\n", "\r"],
    relax_column_count: true,
    max_record_size: MAX_RECORD_BYTES,
    on_record: (cells: string[]): CsvRow | null => {
      const line = nextLine;
      let blank = true;
      nextLine += 1;
      for (const cell of cells) {
        // Only quoted fields hold line breaks; the cheap test spares the regex on all others.
        if (cell.includes("\n") || cell.includes("\r")) nextLine += cell.match(LINE_BREAKS)!.length;
        if (blank && cell.trim() !== "") blank = false;
      }
      return blank ? null : { line, cells };
    },
  };
  // The typings tie on_record's result to plain string[] records.
  const parser = parse(options as unknown as Options);
  // An upload that fails (cut off, too large) fails the parse with its own error.
  input.on("error", (error) => parser.destroy(error));
  input.pipe(parser);
  try {
    yield* parser as AsyncIterable<CsvRow>;
  } catch (error) {
    throw isCsvError(error) ? describeParseError(error, nextLine) : error;
  } finally {
    // Stops reading the upload when the consumer gives up early (a bad row, a failed insert).
    input.destroy();
    parser.destroy();
    await chunks.return?.();
  }
}
