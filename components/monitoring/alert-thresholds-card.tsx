import type { ActionResult } from "@/components/ui/action-result";
import { Card } from "@/components/ui/card";
import { AlertThresholdsForm, type ThresholdValues } from "./alert-thresholds-form";

/** Settings card: the alert thresholds, editable by admins (everyone else sees them read-only). */
export function AlertThresholdsCard({
  thresholds,
  updatedBy,
  canEdit,
  action,
}: {
  thresholds: ThresholdValues;
  updatedBy: string | null;
  canEdit: boolean;
  action: (input: ThresholdValues) => Promise<ActionResult>;
}) {
  return (
    <Card title="Alert thresholds">
      <AlertThresholdsForm initial={thresholds} canEdit={canEdit} updatedBy={updatedBy} action={action} />
    </Card>
  );
}
