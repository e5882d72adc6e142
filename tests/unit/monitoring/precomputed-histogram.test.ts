import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import {
  PrecomputedHistogram,
  negatedBounds,
  perBucketFromWidthBuckets,
} from "@/lib/monitoring/precomputed-histogram";

const BUCKETS = [1, 5, 10];

/** What SQL's width_bucket(-value, negatedBounds) returns, for checking the mapping without a database. */
function widthBucket(value: number, bounds: number[]): number {
  return bounds.filter((bound) => bound <= value).length;
}

describe("precomputed histogram", () => {
  it("maps width_bucket results to Prometheus `le` buckets, bounds inclusive", () => {
    const values = [0.5, 1, 3, 5, 7, 10, 11];
    const counts = new Map<number, number>();
    for (const value of values) {
      const bucket = widthBucket(-value, negatedBounds(BUCKETS));
      counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
    }
    const perBucket = perBucketFromWidthBuckets(
      BUCKETS,
      [...counts].map(([bounds_at_or_above, count]) => ({ bounds_at_or_above, count })),
    );
    // (..1] holds 0.5 and 1; (1..5] holds 3 and 5; (5..10] holds 7 and 10; above: 11.
    expect(perBucket).toEqual([2, 2, 2, 1]);
  });

  it("renders cumulative buckets, +Inf, sum and count through prom-client", async () => {
    const registry = new Registry();
    const histogram = new PrecomputedHistogram({
      name: "test_lag_seconds",
      help: "test",
      labelNames: ["provider"],
      buckets: BUCKETS,
    });
    histogram.add({ labels: { provider: "stripe" }, perBucket: [2, 2, 2, 1], sum: 37.5 });
    registry.registerMetric(histogram);
    const text = await registry.metrics();
    expect(text).toContain("# TYPE test_lag_seconds histogram");
    expect(text).toContain('test_lag_seconds_bucket{provider="stripe",le="1"} 2');
    expect(text).toContain('test_lag_seconds_bucket{provider="stripe",le="5"} 4');
    expect(text).toContain('test_lag_seconds_bucket{provider="stripe",le="10"} 6');
    expect(text).toContain('test_lag_seconds_bucket{provider="stripe",le="+Inf"} 7');
    expect(text).toContain('test_lag_seconds_sum{provider="stripe"} 37.5');
    expect(text).toContain('test_lag_seconds_count{provider="stripe"} 7');
  });
});
