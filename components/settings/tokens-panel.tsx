"use client";

import { useState, useTransition } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { formatTime } from "@/components/ui/format";
import { TextField } from "@/components/ui/labelled-fields";
import { CreateForm } from "./create-form";
import { SettingsTable } from "./settings-table";

type Result<T> = { ok: true; data: T; message?: string } | { ok: false; error: string };
export type TokenView = {
  id: number;
  name: string;
  prefix: string;
  role: string;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

export function TokensPanel({
  tokens,
  createAction,
  revokeAction,
}: {
  tokens: TokenView[];
  createAction: (input: {
    name: string;
    role: string;
  }) => Promise<Result<{ id: number; token: string; role: string }>>;
  revokeAction: (input: { id: number }) => Promise<Result<undefined>>;
}) {
  const [shown, setShown] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <div className="flex flex-col gap-4">
      {shown && (
        <Alert tone="success">
          New token (shown once, copy it now):{" "}
          <code className="select-all break-all font-mono" data-testid="new-token">
            {shown}
          </code>
        </Alert>
      )}
      {error && <Alert tone="error">{error}</Alert>}
      <SettingsTable caption="API tokens" headings={["Name", "Token", "Role", "Created", "Last used", ""]}>
        {tokens.length === 0 && (
          <tr>
            <td colSpan={6} className="py-3 text-zinc-500">
              No tokens yet.
            </td>
          </tr>
        )}
        {tokens.map((token) => (
          <tr key={token.id} className={token.revokedAt ? "text-zinc-400 line-through" : undefined}>
            <td className="py-1.5 pr-3">{token.name}</td>
            <td className="py-1.5 pr-3 font-mono text-xs">{token.prefix}…</td>
            <td className="py-1.5 pr-3">{token.role}</td>
            <td className="py-1.5 pr-3 text-xs">
              {formatTime(token.createdAt)} by {token.createdBy}
            </td>
            <td className="py-1.5 pr-3 text-xs">{formatTime(token.lastUsedAt)}</td>
            <td className="py-1.5">
              {!token.revokedAt && (
                <Button
                  variant="ghost"
                  disabled={pending}
                  onClick={() =>
                    startTransition(async () => {
                      const outcome = await revokeAction({ id: token.id });
                      setError(outcome.ok ? null : outcome.error);
                    })
                  }
                >
                  Revoke
                </Button>
              )}
            </td>
          </tr>
        ))}
      </SettingsTable>
      <CreateForm
        label="Create an API token"
        idPrefix="new-token"
        initial={{ name: "", role: "viewer" }}
        submitLabel="Create token"
        pending={pending}
        onCreate={(draft, reset) =>
          startTransition(async () => {
            const outcome = await createAction(draft);
            if (outcome.ok) {
              setShown(outcome.data.token);
              setError(null);
              reset();
            } else {
              setError(outcome.error);
            }
          })
        }
      >
        {(bind) => <TextField label="Name" {...bind("name")} required maxLength={100} />}
      </CreateForm>
    </div>
  );
}
