/** One CSV field, quoted when needed; leading formula characters are neutralised for spreadsheets. */
export function csvField(value: unknown): string {
  if (value == null) return "";
  let text = typeof value === "object" ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvLine = (values: unknown[]) => values.map(csvField).join(",");
