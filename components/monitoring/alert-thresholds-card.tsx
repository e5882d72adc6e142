import { Card } from "@/components/ui/card";
import { getAlertThresholds } from "@/lib/monitoring/settings";
import { updateAlertThresholdsAction } from "./actions";
import { AlertThresholdsForm } from "./alert-thresholds-form";

/** Settings card: the alert thresholds, editable by admins (everyone else sees them read-only). */
export async function AlertThresholdsCard({ canEdit }: { canEdit: boolean }) {
  const { updatedBy, ...thresholds } = await getAlertThresholds();
  return (
    <Card title="Alert thresholds">
      <AlertThresholdsForm
        initial={thresholds}
        canEdit={canEdit}
        updatedBy={updatedBy}
        action={updateAlertThresholdsAction}
      />
    </Card>
  );
}
