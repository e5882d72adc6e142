import type { AlertRule } from "@/db/schema";
import type { AlertThresholds } from "../settings";

/** What a rule sees right now for one subject (a provider, a worker, or '' for the whole system). */
export type Observation = {
  rule: AlertRule;
  subject: string;
  /** How many: dead letters, rejections, seconds of lag… whatever the summary counts. */
  count: number;
  /** When the condition began, when the rule can tell; otherwise the firing's start is used. */
  since: Date | null;
  summary: string;
  link: string;
};

export type AlertRuleCheck = {
  rule: AlertRule;

  check: (thresholds: AlertThresholds) => Promise<Observation[]>;
};

export const fromEpochMs = (value: number | string | null | undefined): Date | null =>
  value == null ? null : new Date(Number(value));

export const plural = (count: number, one: string, many = `${one}s`) =>
  `${count} ${count === 1 ? one : many}`;
