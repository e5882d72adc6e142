import "server-only";
import { rejectionsLastMinute } from "@/lib/inbox/delivery-counts";
import { dashboardLink } from "../dashboard-link";
import { plural, type AlertRuleCheck } from "./types";

/** More rejected deliveries (bad signatures, bad auth, oversize) in the last minute than allowed, per provider. */
export const rejectedRateRule: AlertRuleCheck = {
  rule: "rejected_rate",

  async check({ rejectedPerMinute }) {
    const rows = await rejectionsLastMinute({ threshold: rejectedPerMinute });
    return rows.map((row) => ({
      rule: "rejected_rate" as const,
      subject: row.provider,
      count: row.count,
      since: row.since,
      summary: `${plural(row.count, "rejected delivery", "rejected deliveries")} from ${row.provider} in the last minute (more than ${rejectedPerMinute}; reasons: ${row.reasons}) — forged traffic or a rotated secret?`,
      link: dashboardLink({ path: "/" }),
    }));
  },
};
