import type { Metadata } from "next";
import { DeadLetterGroups } from "@/components/dead-letters/dead-letter-groups";
import { PageHeader } from "@/components/ui/page-header";
import { hasRole } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { listDeadLetterGroups } from "@/lib/events/dead-letters";
import { discardDeadLettersAction, previewDeadLettersAction, replayDeadLettersAction } from "./actions";

export const metadata: Metadata = { title: "Dead letters" };
export const dynamic = "force-dynamic";

export default async function DeadLettersPage() {
  const { user } = await requirePageRole("viewer");
  const groups = await listDeadLetterGroups();
  return (
    <>
      <PageHeader
        title="Dead letters"
        description="Events that used up their retries, grouped by the same failure (error × type × provider)."
      />
      <DeadLetterGroups
        groups={groups}
        canAct={hasRole(user.role, "operator")}
        replayAction={replayDeadLettersAction}
        discardAction={discardDeadLettersAction}
        previewAction={previewDeadLettersAction}
      />
    </>
  );
}
