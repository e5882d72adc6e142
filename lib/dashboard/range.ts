/** The overview's time ranges: how far back, and how wide each chart bucket is. */
export const TIME_RANGES = {
  "1h": { label: "Last hour", ms: 3_600_000, bucketMs: 60_000 },
  "6h": { label: "Last 6 hours", ms: 6 * 3_600_000, bucketMs: 5 * 60_000 },
  "24h": { label: "Last 24 hours", ms: 24 * 3_600_000, bucketMs: 30 * 60_000 },
  "7d": { label: "Last 7 days", ms: 7 * 86_400_000, bucketMs: 3 * 3_600_000 },
  "30d": { label: "Last 30 days", ms: 30 * 86_400_000, bucketMs: 12 * 3_600_000 },
} as const;

export type TimeRangeKey = keyof typeof TIME_RANGES;
export const DEFAULT_RANGE: TimeRangeKey = "24h";

export const isTimeRangeKey = (value: unknown): value is TimeRangeKey =>
  typeof value === "string" && Object.hasOwn(TIME_RANGES, value);

export type ResolvedRange = { key: TimeRangeKey; from: Date; to: Date; bucketMs: number };

/** Buckets are aligned to whole bucket widths so refreshes do not shift the chart. */
export function resolveRange(value: unknown, now = new Date()): ResolvedRange {
  const key = isTimeRangeKey(value) ? value : DEFAULT_RANGE;
  const { ms, bucketMs } = TIME_RANGES[key];
  const to = new Date(Math.ceil(now.getTime() / bucketMs) * bucketMs);
  return { key, from: new Date(to.getTime() - ms), to, bucketMs };
}

/** Every bucket start in the range, so charts show gaps as zeros rather than skipping them. */
export function bucketStarts(range: ResolvedRange): number[] {
  const starts: number[] = [];
  for (let t = range.from.getTime(); t < range.to.getTime(); t += range.bucketMs) starts.push(t);
  return starts;
}
