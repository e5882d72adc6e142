/**
 * The one backoff formula, for event retries and provider API calls alike:
 * exponential, base × 2^(attempt−1), scaled by a random factor in [0.5, 1.5)
 * so that the retries of a burst of failures spread out, and capped at `maxMs`.
 */
export function retryDelayMs({
  attempt,
  baseMs,
  maxMs,
  random = Math.random,
}: {
  attempt: number;
  baseMs: number;
  maxMs: number;
  random?: () => number;
}): number {
  const exponential = baseMs * 2 ** Math.max(0, attempt - 1);
  return Math.min(maxMs, Math.round(exponential * (0.5 + random())));
}
