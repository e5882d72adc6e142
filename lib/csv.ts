/**
 * The one CSV writer (RFC 4180) for every export. A field is quoted when it
 * must be; text that a spreadsheet would run as a formula (=, +, -, @, tab,
 * CR first) gets a leading apostrophe, numbers excepted.
 */
export function csvField(value: unknown): string {
  if (value == null) return "";
  let text =
    value instanceof Date
      ? value.toISOString()
      : typeof value === "object"
        ? JSON.stringify(value)
        : String(value);
  if (/^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows (the header first) as one CSV document: CRLF line ends, a final CRLF. */
export function toCsv(rows: readonly (readonly unknown[])[]): string {
  return rows.map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}
