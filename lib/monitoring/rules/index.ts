import "server-only";
import { ackFailuresRule } from "./ack-failures";
import { deadLetterRule } from "./dead-letter";
import { lagRule } from "./lag";
import { newDiscrepanciesRule } from "./new-discrepancies";
import { rejectedRateRule } from "./rejected-rate";
import { silentWorkerRule } from "./silent-worker";
import type { AlertRuleCheck } from "./types";

export const ALERT_RULE_CHECKS: readonly AlertRuleCheck[] = [
  deadLetterRule,
  lagRule,
  rejectedRateRule,
  newDiscrepanciesRule,
  silentWorkerRule,
  ackFailuresRule,
];
