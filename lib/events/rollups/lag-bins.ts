import "server-only";
import { createHash } from "node:crypto";

/**
 * The lag histogram's bins, shared by the rollup and the raw tail so the two
 * merge. Edges are in whole microseconds: 1 ms × 2^(k/8) up to 30 days, plus
 * the Prometheus bucket bounds of `tally_processing_lag_seconds`, so those
 * buckets are exact sums of bins. Bin 0 holds lags ≤ the first edge (1 ms,
 * and negative ones), bin i lags in (edge[i-1], edge[i]], the last bin lags
 * above 30 days.
 *
 * Percentile error: a bin's edges differ by at most a factor 2^(1/8), and a
 * bin stands for its geometric midpoint clamped to the least and greatest lag
 * it holds, so each order statistic is off by at most a factor 2^(1/16) (and
 * not at all when its bin holds one distinct value). percentile_cont
 * interpolates between two of them with positive weights, so the estimate is
 * within a factor 2^(1/16) of the exact value too: within 4.4%, plus 1 ms for
 * lags under 1 ms, plus rounding to whole milliseconds. Lags above 30 days
 * read as the least of them.
 */
export const LAG_METRIC_BUCKETS_S = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600];

const FIRST_EDGE_US = 1_000;
const TOP_EDGE_US = 30 * 86_400 * 1_000_000;
const STEPS_PER_DOUBLING = 8;

function buildEdges(): number[] {
  const edges = new Set<number>(LAG_METRIC_BUCKETS_S.map((seconds) => Math.round(seconds * 1_000_000)));
  for (let k = 0; ; k++) {
    const edge = Math.round(FIRST_EDGE_US * 2 ** (k / STEPS_PER_DOUBLING));
    edges.add(edge);
    if (edge >= TOP_EDGE_US) break;
  }
  return [...edges].sort((a, b) => a - b);
}

/** Bin edges in microseconds, ascending. */
export const LAG_EDGES_US: readonly number[] = buildEdges();

/** A PostgreSQL bigint[] literal of the edges, for `width_bucket`. */
export const LAG_EDGES_LITERAL = `{${LAG_EDGES_US.join(",")}}`;

/** Names the bin layout; rows built with another layout are rebuilt. */
export const LAG_BINS_SIGNATURE = `us-log2/${STEPS_PER_DOUBLING}:${createHash("sha256")
  .update(LAG_EDGES_LITERAL)
  .digest("hex")
  .slice(0, 16)}`;

/**
 * The bin of a lag, the same rule SQL applies with
 * `width_bucket(lag_us - 1, edges)`: the number of edges below the lag.
 */
export function lagBinOf({ lagUs }: { lagUs: number }): number {
  let low = 0;
  let high = LAG_EDGES_US.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (LAG_EDGES_US[middle]! < lagUs) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The value a bin stands for, in milliseconds: its geometric midpoint, moved
 * into the range of lags it actually holds (exact when they are all equal).
 */
function representativeMs(bin: number, { minUs, maxUs }: LagBinTally): number {
  const edges = LAG_EDGES_US;
  const midpoint =
    bin <= 0 ? edges[0]! / 2 : bin >= edges.length ? edges.at(-1)! : Math.sqrt(edges[bin - 1]! * edges[bin]!);
  return Math.min(Math.max(midpoint, minUs), maxUs) / 1_000;
}

/** Whether every value of a bin is at or under `seconds` (a Prometheus `le` bound). */
export function lagBinAtOrUnder({ bin, seconds }: { bin: number; seconds: number }): boolean {
  return bin < LAG_EDGES_US.length && LAG_EDGES_US[bin]! <= Math.round(seconds * 1_000_000);
}

export type LagBinTally = { count: number; minUs: number; maxUs: number };
/** Lag bin → how many lags fell in it, and the least and greatest of them. */
export type LagHistogram = Map<number, LagBinTally>;

/** Adds one bin's tally (of a minute, a provider, the raw tail) to a histogram. */
export function addToLagHistogram({
  histogram,
  bin,
  tally,
}: {
  histogram: LagHistogram;
  bin: number;
  tally: LagBinTally;
}): void {
  const seen = histogram.get(bin);
  histogram.set(
    bin,
    seen
      ? {
          count: seen.count + tally.count,
          minUs: Math.min(seen.minUs, tally.minUs),
          maxUs: Math.max(seen.maxUs, tally.maxUs),
        }
      : { ...tally },
  );
}

/**
 * percentile_cont over a histogram: the same interpolation between the two
 * order statistics around the rank, each read as its bin's representative.
 * Null when the histogram is empty. Rounded to whole milliseconds.
 */
export function lagPercentilesFromHistogram({
  histogram,
  quantiles,
}: {
  histogram: LagHistogram;
  quantiles: readonly number[];
}): (number | null)[] {
  const bins = [...histogram.entries()].filter(([, tally]) => tally.count > 0).sort((a, b) => a[0] - b[0]);
  const total = bins.reduce((sum, [, tally]) => sum + tally.count, 0);
  if (total === 0) return quantiles.map(() => null);
  const valueAtRank = (rank: number) => {
    let seen = 0;
    for (const [bin, tally] of bins) {
      seen += tally.count;
      if (rank < seen) return representativeMs(bin, tally);
    }
    const [bin, tally] = bins.at(-1)!;
    return representativeMs(bin, tally);
  };
  return quantiles.map((quantile) => {
    const position = (total - 1) * quantile;
    const lower = Math.floor(position);
    const fraction = position - lower;
    const below = valueAtRank(lower);
    const above = lower + 1 < total ? valueAtRank(lower + 1) : below;
    return Math.round(below + fraction * (above - below));
  });
}
