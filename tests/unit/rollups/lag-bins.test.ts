import { describe, expect, it } from "vitest";
import {
  LAG_EDGES_US,
  LAG_METRIC_BUCKETS_S,
  addToLagHistogram,
  lagBinAtOrUnder,
  lagBinOf,
  lagPercentilesFromHistogram,
  type LagHistogram,
} from "@/lib/events/rollups/lag-bins";

const BOUND = 2 ** (1 / 16) - 1;

/** PostgreSQL's percentile_cont: linear interpolation between the order statistics around (n − 1)·q. */
function percentileCont(sorted: number[], quantile: number): number {
  const position = (sorted.length - 1) * quantile;
  const lower = Math.floor(position);
  const above = sorted[Math.min(lower + 1, sorted.length - 1)]!;
  return sorted[lower]! + (position - lower) * (above - sorted[lower]!);
}

function histogramOf(lagsMs: number[]): LagHistogram {
  const histogram: LagHistogram = new Map();
  for (const lagMs of lagsMs) {
    const lagUs = Math.round(lagMs * 1000);
    addToLagHistogram({
      histogram,
      bin: lagBinOf({ lagUs }),
      tally: { count: 1, minUs: lagUs, maxUs: lagUs },
    });
  }
  return histogram;
}

// A small deterministic generator, so a failure reproduces.
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe("lag bins", () => {
  it("are log-spaced by at most 2^(1/8) from 1 ms to 30 days, with every metric bound an edge", () => {
    expect(LAG_EDGES_US[0]).toBe(1_000);
    expect(LAG_EDGES_US.at(-1)).toBeGreaterThanOrEqual(30 * 86_400 * 1_000_000);
    for (let index = 1; index < LAG_EDGES_US.length; index++)
      expect(LAG_EDGES_US[index]! / LAG_EDGES_US[index - 1]!).toBeLessThanOrEqual(2 ** (1 / 8) * 1.0005);
    for (const seconds of LAG_METRIC_BUCKETS_S) expect(LAG_EDGES_US).toContain(seconds * 1_000_000);
  });

  it("put a lag equal to an edge in the bin that edge closes, as Prometheus's le does", () => {
    for (const seconds of LAG_METRIC_BUCKETS_S) {
      const atBound = lagBinOf({ lagUs: seconds * 1_000_000 });
      const above = lagBinOf({ lagUs: seconds * 1_000_000 + 1 });
      expect(lagBinAtOrUnder({ bin: atBound, seconds })).toBe(true);
      expect(lagBinAtOrUnder({ bin: above, seconds })).toBe(false);
    }
    expect(lagBinOf({ lagUs: -5_000 })).toBe(0);
    expect(lagBinOf({ lagUs: 10 ** 13 })).toBe(LAG_EDGES_US.length);
  });
});

describe("percentiles from the histogram", () => {
  it("are exact when each order statistic sits alone in its bin", () => {
    expect(lagPercentilesFromHistogram({ histogram: histogramOf([30_000]), quantiles: [0.5, 0.99] })).toEqual(
      [30_000, 30_000],
    );
    expect(lagPercentilesFromHistogram({ histogram: histogramOf([100, 60_000]), quantiles: [0.5] })).toEqual([
      30_050,
    ]);
    expect(lagPercentilesFromHistogram({ histogram: new Map(), quantiles: [0.5] })).toEqual([null]);
  });

  it("stay within 2^(1/16) of percentile_cont on varied data", () => {
    const next = random(42);
    for (let round = 0; round < 200; round++) {
      const size = 1 + Math.floor(next() * 3_000);
      // Log-uniform from 1 ms to an hour, with a cluster, like a backlog draining.
      const lags = Array.from({ length: size }, () =>
        next() < 0.2 ? 2_000 + next() * 50 : 10 ** (next() * Math.log10(3_600_000)),
      );
      const sorted = lags.map((lag) => Math.round(lag * 1000) / 1000).sort((a, b) => a - b);
      const histogram = histogramOf(sorted);
      const quantiles = [0.5, 0.95, 0.99];
      const estimates = lagPercentilesFromHistogram({ histogram, quantiles });
      for (const [index, quantile] of quantiles.entries()) {
        const exact = Math.round(percentileCont(sorted, quantile));
        expect(Math.abs(estimates[index]! - exact), `round ${round} q${quantile}`).toBeLessThanOrEqual(
          exact * BOUND + 1,
        );
      }
    }
  });
});
