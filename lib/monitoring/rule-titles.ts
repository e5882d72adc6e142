import type { AlertRule } from "@/db/schema";

export const ALERT_RULE_TITLES: Record<AlertRule, string> = {
  dead_letter: "New dead letters",
  lag_p95: "Processing lag p95 above threshold",
  rejected_rate: "Rejected deliveries above rate",
  new_discrepancies: "New discrepancies after a reconciliation run",
  silent_worker: "Silent worker",
  ack_failures: "Deliveries not acknowledged (provider retry window running)",
};
