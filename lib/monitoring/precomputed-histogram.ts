import { Histogram, type MetricType } from "prom-client";

type Series = { labels: Record<string, string>; cumulative: number[]; count: number; sum: number };

/**
 * A prom-client histogram whose buckets are counted elsewhere (in SQL, across
 * every process) rather than observed one value at a time. prom-client
 * formats it like any histogram; only `get()` differs.
 */
export class PrecomputedHistogram extends Histogram<string> {
  private series: Series[] = [];

  constructor(
    private readonly config: { name: string; help: string; labelNames: string[]; buckets: number[] },
  ) {
    super({ ...config, registers: [] });
  }

  /**
   * `perBucket[i]` counts values in (buckets[i-1], buckets[i]]; its last
   * entry counts values above the largest bucket.
   */
  add({ labels, perBucket, sum }: { labels: Record<string, string>; perBucket: number[]; sum: number }) {
    const cumulative: number[] = [];
    let running = 0;
    for (const count of perBucket) cumulative.push((running += count));
    this.series.push({ labels, cumulative, count: running, sum });
  }

  // prom-client's Registry formats from this when present; same values either way.
  async getForPromString() {
    return this.get();
  }

  override async get() {
    const { name, help, buckets } = this.config;
    const values = this.series.flatMap((series) => [
      ...buckets.map((le, index) => ({
        metricName: `${name}_bucket`,
        labels: { ...series.labels, le },
        value: series.cumulative[index] ?? 0,
      })),
      { metricName: `${name}_bucket`, labels: { ...series.labels, le: "+Inf" }, value: series.count },
      { metricName: `${name}_sum`, labels: series.labels, value: series.sum },
      { metricName: `${name}_count`, labels: series.labels, value: series.count },
    ]);
    return {
      name,
      help,
      // The typings declare a numeric enum; the formatter writes this string as `# TYPE`.
      type: "histogram" as unknown as MetricType,
      aggregator: "sum" as const,
      collect: () => {},
      values,
    };
  }
}

/**
 * Which bucket each value falls in, as SQL can compute it in one pass:
 * `width_bucket(-value, negatedBounds(buckets))` is the number of bounds
 * ≥ value, so bucket index = buckets.length − that.
 */
export const negatedBounds = (buckets: readonly number[]) => [...buckets].reverse().map((bound) => -bound);

export function perBucketFromWidthBuckets(
  buckets: readonly number[],
  rows: readonly { bounds_at_or_above: number; count: number }[],
): number[] {
  const perBucket = new Array<number>(buckets.length + 1).fill(0);
  for (const row of rows) perBucket[buckets.length - row.bounds_at_or_above]! += row.count;
  return perBucket;
}
