const MAX_DELAY_MS = 6 * 60 * 60 * 1000;

/**
 * Exponential backoff with jitter: base × 2^(attempt−1), scaled by a random
 * factor in [0.5, 1.5) so retries of a burst of failures spread out.
 */
export function retryDelayMs({
  attempt,
  baseMs,
  random = Math.random,
}: {
  attempt: number;
  baseMs: number;
  random?: () => number;
}) {
  const exponential = baseMs * 2 ** Math.max(0, attempt - 1);
  return Math.min(MAX_DELAY_MS, Math.round(exponential * (0.5 + random())));
}
