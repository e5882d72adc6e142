import { saveFeeScheduleAction } from "@/app/(dashboard)/reconciliation/fee-actions";
import { Card } from "@/components/ui/card";
import { hasRole, type Role } from "@/lib/auth/roles";
import { getFeeSchedule } from "@/lib/reconciliation/fee-schedules";
import { FeeScheduleEditor } from "./fee-schedule-editor";

const PROVIDERS = ["stripe", "mangopay", "adyen"] as const;

/** Settings section: each provider's contracted fees, checked against every charge's actual fee. */
export async function FeeScheduleForm({ role }: { role: Role }) {
  const schedules = await Promise.all(
    PROVIDERS.map(async (provider) => ({ provider, schedule: await getFeeSchedule({ provider }) })),
  );
  return (
    <Card title="Fee schedules (expected fee = round(amount × percent / 100) + fixed)">
      <div className="flex flex-col gap-6">
        {schedules.map(({ provider, schedule }) => (
          <FeeScheduleEditor
            key={provider}
            provider={provider}
            initial={schedule}
            canEdit={hasRole(role, "finance")}
            action={saveFeeScheduleAction}
          />
        ))}
      </div>
    </Card>
  );
}
