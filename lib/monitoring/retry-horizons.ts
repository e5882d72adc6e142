/**
 * How long each provider keeps retrying a delivery we did not acknowledge
 * (from their documentation). Past it, the event only comes back through
 * reconciliation's missed-webhook recovery.
 */
export const RETRY_HORIZON_HOURS: Record<string, number> = {
  stripe: 72, // live mode: up to three days with exponential backoff
  adyen: 24 * 30, // retry queue for up to 30 days
  mangopay: 72, // every 10 minutes for an hour, then every 8 hours for three days
};

export function retryHorizonHours({ provider }: { provider: string }): number {
  // Unknown providers: assume the shortest horizon we know of, the safer guess.
  return RETRY_HORIZON_HOURS[provider] ?? Math.min(...Object.values(RETRY_HORIZON_HOURS));
}
