import type { ActionResult } from "@/components/ui/action-result";
import { Card } from "@/components/ui/card";
import { FeeScheduleEditor, type FeeScheduleValue } from "./fee-schedule-editor";

/** Settings section: each provider's contracted fees, checked against every charge's actual fee. */
export function FeeScheduleForm({
  schedules,
  canEdit,
  action,
}: {
  schedules: { provider: string; schedule: FeeScheduleValue }[];
  canEdit: boolean;
  action: (input: { provider: string; schedule: unknown }) => Promise<ActionResult>;
}) {
  return (
    <Card title="Fee schedules (expected fee = round(amount × percent / 100) + fixed)">
      <div className="flex flex-col gap-6">
        {schedules.map(({ provider, schedule }) => (
          <FeeScheduleEditor
            key={provider}
            provider={provider}
            initial={schedule}
            canEdit={canEdit}
            action={action}
          />
        ))}
      </div>
    </Card>
  );
}
