import type { AlertFiring } from "@/db/schema";
import { ALERT_RULE_TITLES } from "./rule-titles";

const heading = (firing: AlertFiring) =>
  `${ALERT_RULE_TITLES[firing.rule]}${firing.subject ? ` — ${firing.subject}` : ""}`;

/** What, how many, since when, and where to look: the text a firing posts. */
export function firingText(firing: AlertFiring, { reminder = false } = {}): string {
  return [
    `:rotating_light: [${reminder ? "STILL FIRING" : "FIRING"}] ${heading(firing)}`,
    firing.summary,
    `How many: ${firing.count} · since ${firing.since.toISOString()}`,
    firing.link,
  ].join("\n");
}

export function resolvedText(firing: AlertFiring): string {
  const resolvedAt = firing.resolvedAt ?? new Date();
  const minutes = Math.max(1, Math.round((resolvedAt.getTime() - firing.since.getTime()) / 60_000));
  return [
    `:white_check_mark: [RESOLVED] ${heading(firing)}`,
    `Cleared at ${resolvedAt.toISOString()} after about ${minutes} min. Last seen: ${firing.summary}`,
    firing.link,
  ].join("\n");
}
