import type { Metadata } from "next";
import { headers } from "next/headers";
import { AlertThresholdsCard } from "@/components/monitoring/alert-thresholds-card";
import { FeeScheduleForm } from "@/components/reconciliation/fee-schedule-form";
import { TokensPanel } from "@/components/settings/tokens-panel";
import { UsersPanel } from "@/components/settings/users-panel";
import { Card } from "@/components/ui/card";
import { hasRole } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { listTokens } from "@/lib/auth/token-admin";
import { listUsers } from "@/lib/auth/users";
import { PageHeader } from "@/components/ui/page-header";
import { publicOrigin, secretStatus, webhookUrls } from "@/lib/dashboard/settings";
import { getAlertThresholds } from "@/lib/monitoring/settings";
import { listFeeSchedules } from "@/lib/reconciliation/fee-schedules";
import {
  createTokenAction,
  createUserAction,
  revokeTokenAction,
  saveFeeScheduleAction,
  updateAlertThresholdsAction,
  updateUserAction,
} from "./actions";

export const metadata: Metadata = { title: "Settings" };
export const dynamic = "force-dynamic";

const iso = (date: Date | null) => date?.toISOString() ?? null;

export default async function SettingsPage() {
  const { user } = await requirePageRole("viewer");
  const isAdmin = hasRole(user.role, "admin");
  const origin = publicOrigin(await headers());
  const [[users, tokens], schedules, { updatedBy, ...thresholds }] = await Promise.all([
    isAdmin ? Promise.all([listUsers(), listTokens()]) : Promise.resolve([[], []] as const),
    listFeeSchedules(),
    getAlertThresholds(),
  ]);
  return (
    <>
      <PageHeader
        title="Settings"
        description="Where providers send webhooks, what is configured, and who has access."
      />
      <div className="flex flex-col gap-4">
        <Card title="Webhook URLs to register">
          <ul className="flex flex-col gap-3 text-sm">
            {webhookUrls(origin).map((hook) => (
              <li key={hook.provider}>
                <p className="font-medium">{hook.provider}</p>
                <code className="select-all break-all rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs dark:bg-zinc-800">
                  {hook.url}
                </code>
                <p className="mt-0.5 text-xs text-zinc-500">{hook.note}</p>
              </li>
            ))}
          </ul>
        </Card>
        <Card title="Secrets (configured or not; values are never shown)">
          <ul className="grid grid-cols-1 gap-1 text-sm sm:grid-cols-2">
            {secretStatus().map((secret) => (
              <li key={secret.name} className="flex items-center gap-2">
                <span aria-hidden="true">{secret.configured ? "✅" : "⬜"}</span>
                <code className="font-mono text-xs">{secret.name}</code>
                <span className="text-xs text-zinc-500">
                  {secret.configured ? `configured${secret.detail ? ` (${secret.detail})` : ""}` : "not set"}
                </span>
              </li>
            ))}
          </ul>
        </Card>
        <FeeScheduleForm
          schedules={schedules}
          canEdit={hasRole(user.role, "finance")}
          action={saveFeeScheduleAction}
        />
        <AlertThresholdsCard
          thresholds={thresholds}
          updatedBy={updatedBy}
          canEdit={isAdmin}
          action={updateAlertThresholdsAction}
        />
        {isAdmin ? (
          <>
            <Card title="Users">
              <UsersPanel
                users={users.map((row) => ({
                  ...row,
                  createdAt: row.createdAt.toISOString(),
                  disabledAt: iso(row.disabledAt),
                }))}
                currentUserId={user.id}
                createAction={createUserAction}
                updateAction={updateUserAction}
              />
            </Card>
            <Card title="API tokens">
              <TokensPanel
                tokens={tokens.map((row) => ({
                  ...row,
                  createdAt: row.createdAt.toISOString(),
                  lastUsedAt: iso(row.lastUsedAt),
                  revokedAt: iso(row.revokedAt),
                }))}
                createAction={createTokenAction}
                revokeAction={revokeTokenAction}
              />
            </Card>
          </>
        ) : (
          <Card title="Users and API tokens">
            <p className="text-sm text-zinc-500">Managed by admins.</p>
          </Card>
        )}
      </div>
    </>
  );
}
