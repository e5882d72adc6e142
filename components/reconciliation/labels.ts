import { DISCREPANCY_KINDS, DISCREPANCY_STATUSES } from "@/lib/reconciliation-vocabulary";

export const DISCREPANCY_KIND_OPTIONS = DISCREPANCY_KINDS;
export const DISCREPANCY_STATUS_OPTIONS = DISCREPANCY_STATUSES;

export const RESOLUTION_OPTIONS = [
  ["fixed_internally", "Fixed on our side"],
  ["provider_corrected", "Provider corrected it"],
  ["timing_difference", "Timing difference"],
  ["refunded_customer", "Refunded the customer"],
  ["written_off", "Written off"],
  ["expected_behaviour", "Expected behaviour"],
  ["other", "Other (see note)"],
] as const;

export const kindLabel = (kind: string) => kind.replace(/_/g, " ");

export function age(from: string, now = Date.now()): string {
  const minutes = Math.max(0, Math.round((now - new Date(from).getTime()) / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.round(hours / 24)} d`;
}
