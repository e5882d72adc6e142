import "server-only";
import { recentDeadLetters } from "@/lib/events/dead-letters";
import { dashboardLink } from "../dashboard-link";
import { plural, type AlertRuleCheck } from "./types";

/** Events that became dead letters within the window and are still dead. Replaying or discarding them clears the alert. */
export const deadLetterRule: AlertRuleCheck = {
  rule: "dead_letter",

  async check({ deadLetterWindowMinutes }) {
    const recent = await recentDeadLetters({ windowMinutes: deadLetterWindowMinutes });
    if (recent.count === 0) return [];
    return [
      {
        rule: "dead_letter",
        subject: "",
        count: recent.count,
        since: recent.since,
        summary: `${plural(recent.count, "event")} became dead letters in the last ${deadLetterWindowMinutes} min (${recent.topTypes ?? "unknown types"})`,
        link: dashboardLink({ path: "/dead-letters" }),
      },
    ];
  },
};
