import "server-only";
import { ackFailuresSince } from "@/lib/inbox/delivery-counts";
import { dashboardLink } from "../dashboard-link";
import { retryHorizonHours } from "../retry-horizons";
import { plural, type AlertRuleCheck } from "./types";

/**
 * Deliveries we answered with a 5xx (we could not store them), per provider.
 * The provider retries them only until its retry horizon: the message says
 * when the first one runs out, after which only reconciliation recovers it.
 */
export const ackFailuresRule: AlertRuleCheck = {
  rule: "ack_failures",

  async check({ ackFailureThreshold, ackFailureWindowMinutes }) {
    const rows = await ackFailuresSince({
      windowMinutes: ackFailureWindowMinutes,
      threshold: ackFailureThreshold,
    });
    return rows.map((row) => {
      const since = row.since;
      const hours = retryHorizonHours({ provider: row.provider });
      const deadline = new Date(since.getTime() + hours * 3_600_000).toISOString();
      return {
        rule: "ack_failures" as const,
        subject: row.provider,
        count: row.count,
        since,
        summary: `${plural(row.count, "delivery", "deliveries")} from ${row.provider} were not acknowledged (${row.reasons}) in the last ${ackFailureWindowMinutes} min; ${row.provider} retries for ${hours} h, so the first are lost after ${deadline} unless intake recovers (then reconcile that period)`,
        link: dashboardLink({ path: "/" }),
      };
    });
  },
};
