/** Nearest-rank percentile of an ascending-sorted list (0 when empty). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
/** CPU per event: two decimals, since whole tenths of a ms hide the differences that matter. */
export const cpu = (value: number) => (value >= 10 ? value.toFixed(1) : value.toFixed(2));
export const int = (value: number) => Math.round(value).toLocaleString("en");
export const ratio = (value: number) => `${value.toFixed(2)}×`;
export const seconds = (valueMs: number) => (valueMs / 1000).toFixed(1);

/** `met` / `not met` for a target line. */
export const verdict = (ok: boolean) => (ok ? "met" : "**not met**");

export function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}
