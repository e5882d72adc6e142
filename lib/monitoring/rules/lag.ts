import "server-only";
import { liveLagP95 } from "@/lib/events/lag";
import { dashboardLink } from "../dashboard-link";
import type { AlertRuleCheck } from "./types";

const WINDOW_MINUTES = 5;

/** p95 of receive → processed lag over the last few minutes, waiting events counted at their age. */
export const lagRule: AlertRuleCheck = {
  rule: "lag_p95",

  async check({ lagThresholdSeconds }) {
    const lag = await liveLagP95({ windowMinutes: WINDOW_MINUTES });
    const p95 = lag.p95Seconds == null ? null : Math.round(lag.p95Seconds);
    if (p95 == null || p95 <= lagThresholdSeconds) return [];
    const oldest = lag.oldestWaiting;
    return [
      {
        rule: "lag_p95",
        subject: "",
        count: p95,
        // The oldest waiting event is when the backlog began, if it is one.
        since: oldest && Date.now() - oldest.getTime() > lagThresholdSeconds * 1000 ? oldest : null,
        summary: `processing lag p95 is ${p95} s (threshold ${lagThresholdSeconds} s) over ${lag.sample} recent or waiting events`,
        link: dashboardLink({ path: "/events?status=pending" }),
      },
    ];
  },
};
