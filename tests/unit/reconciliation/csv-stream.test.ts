import { describe, expect, it } from "vitest";
import { readCsv, type CsvRow } from "@/lib/reconciliation/bank/csv";

async function collect(source: Parameters<typeof readCsv>[0], delimiter?: string): Promise<CsvRow[]> {
  const rows: CsvRow[] = [];
  for await (const row of readCsv(source, { delimiter })) rows.push(row);
  return rows;
}

/** The same bytes cut into pieces of `size`, splitting quotes, line ends and multi-byte characters. */
async function* pieces(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text, "utf8");
  for (let at = 0; at < bytes.length; at += size) yield new Uint8Array(bytes.subarray(at, at + size));
}

describe("readCsv (csv-parse, streaming)", () => {
  const text = [
    "\uFEFFDate,Reference,Amount",
    '2025-01-02,"Payout ""po_1"", Stripe",1.00',
    "",
    '2025-01-03,"two',
    'lines",2.00',
    " , , ",
    "2025-01-04,Zoë €,3.00",
  ].join("\r\n");

  it("reads quoted fields, doubled quotes, a BOM and multi-line fields, numbering each record by its first line", async () => {
    expect(await collect(text)).toEqual([
      { line: 1, cells: ["Date", "Reference", "Amount"] },
      { line: 2, cells: ["2025-01-02", 'Payout "po_1", Stripe', "1.00"] },
      { line: 4, cells: ["2025-01-03", "two\r\nlines", "2.00"] },
      { line: 7, cells: ["2025-01-04", "Zoë €", "3.00"] },
    ]);
  });

  it("gives the same records however the upload is cut into chunks", async () => {
    const whole = await collect(text);
    for (const size of [1, 2, 3, 7, 64]) expect(await collect(pieces(text, size))).toEqual(whole);
  });

  it("takes LF, CRLF and CR line ends, even mixed in one file", async () => {
    expect(await collect("a,b\n1,2\r\n3,4\r5,6")).toEqual([
      { line: 1, cells: ["a", "b"] },
      { line: 2, cells: ["1", "2"] },
      { line: 3, cells: ["3", "4"] },
      { line: 4, cells: ["5", "6"] },
    ]);
  });

  it("detects a semicolon or tab delimiter from the header, so decimal commas stay inside their field", async () => {
    expect((await collect("Datum;Betrag\n31.01.2025;1.234,56"))[1]!.cells).toEqual([
      "31.01.2025",
      "1.234,56",
    ]);
    expect((await collect("Date\tAmount\n2025-01-31\t1,234.56"))[1]!.cells).toEqual([
      "2025-01-31",
      "1,234.56",
    ]);
    // Unless told: Adyen's reports are always comma-separated.
    expect((await collect("a;b,c\n1;2,3", ","))[1]!.cells).toEqual(["1;2", "3"]);
  });

  it.each([
    ["an unclosed quote", 'a,b\n1,2\n3,"never closed\n5,6\n', /^Line 3: a quoted field is never closed/],
    ["text after a closing quote", 'a,b\n1,2\n1,"x"y\n', /^Line 3: a closing quote is followed by/],
  ])("names the line of %s", async (_name, csv, message) => {
    await expect(collect(csv)).rejects.toThrow(message);
  });

  it("counts a line end inside a quoted field once, so errors after it name the right line", async () => {
    const csv = ["a,b", '1,"x', 'y"', "2,3", ...Array(5000).fill("4,5"), '6,"z"!'].join("\r\n");
    await expect(collect(csv)).rejects.toThrow(/^Line 5005: a closing quote is followed by/);
  });

  it("stops a record that runs past 1 MiB (a quote left open in a large file) instead of buffering the rest", async () => {
    async function* endless() {
      yield 'a,b\n1,"open\n';
      for (let chunk = 0; chunk < 64; chunk++) yield `${"x".repeat(32 * 1024)}\n`;
    }
    await expect(collect(endless())).rejects.toThrow(/^Line \d+: a record longer than 1048576 bytes/);
  });

  it("stops reading the source when the consumer stops early", async () => {
    let produced = 0;
    let closed = false;
    async function* source() {
      try {
        yield "a,b\n";
        for (;;) {
          produced += 1;
          yield `${produced},x\n`.repeat(100);
        }
      } finally {
        closed = true;
      }
    }
    for await (const row of readCsv(source())) if (row.line === 50) break;
    expect(closed).toBe(true);
    // Read ahead stays a few chunks, not the (endless) rest.
    expect(produced).toBeLessThan(1000);
  });

  it("passes on the source's own error", async () => {
    async function* failing() {
      yield "a,b\n1,2\n";
      throw new Error("connection reset");
    }
    await expect(collect(failing())).rejects.toThrow("connection reset");
  });
});
