/** Tick labels for time axes: hours and minutes for short ranges, dates for long ones (UTC). */
export function timeTickFormatter(spanMs: number) {
  return (value: number) => {
    const iso = new Date(value).toISOString();
    return spanMs > 2 * 86_400_000 ? iso.slice(5, 10) + " " + iso.slice(11, 13) + "h" : iso.slice(11, 16);
  };
}

export const SERIES_COLORS = ["#6366f1", "#10b981", "#f59e0b", "#ef4444", "#0ea5e9", "#a855f7", "#71717a"];

export const STATUS_COLORS: Record<string, string> = {
  pending: "#a1a1aa",
  processing: "#0ea5e9",
  processed: "#10b981",
  retrying: "#f59e0b",
  dead: "#ef4444",
  ignored: "#71717a",
  discarded: "#a855f7",
};
