"use client";

import { useState, useTransition } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field, Select, TextInput } from "@/components/ui/field";
import { formatTime } from "@/components/ui/format";

const ROLES = ["viewer", "operator", "finance", "admin"];
type Result = { ok: true; message?: string } | { ok: false; error: string };
export type UserView = {
  id: number;
  email: string;
  role: string;
  createdAt: string;
  disabledAt: string | null;
};

export function UsersPanel({
  users,
  currentUserId,
  createAction,
  updateAction,
}: {
  users: UserView[];
  currentUserId: number;
  createAction: (input: { email: string; password: string; role: string }) => Promise<Result>;
  updateAction: (input: { userId: number; role?: string; disabled?: boolean }) => Promise<Result>;
}) {
  const [draft, setDraft] = useState({ email: "", password: "", role: "viewer" });
  const [result, setResult] = useState<Result | null>(null);
  const [pending, startTransition] = useTransition();
  const run = (work: () => Promise<Result>, after?: () => void) =>
    startTransition(async () => {
      const outcome = await work();
      setResult(outcome);
      if (outcome.ok) after?.();
    });
  return (
    <div className="flex flex-col gap-4">
      <div className="overflow-x-auto">
        <table className="min-w-full text-sm">
          <caption className="sr-only">Users</caption>
          <thead>
            <tr className="text-left text-xs uppercase text-zinc-500">
              <th scope="col" className="py-1 pr-3">
                E-mail
              </th>
              <th scope="col" className="py-1 pr-3">
                Role
              </th>
              <th scope="col" className="py-1 pr-3">
                Created
              </th>
              <th scope="col" className="py-1">
                State
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {users.map((user) => (
              <tr key={user.id}>
                <td className="py-1.5 pr-3">{user.email}</td>
                <td className="py-1.5 pr-3">
                  <Select
                    aria-label={`Role of ${user.email}`}
                    value={user.role}
                    disabled={pending || user.id === currentUserId}
                    onChange={(event) =>
                      run(() => updateAction({ userId: user.id, role: event.target.value }))
                    }
                    className="w-32"
                  >
                    {ROLES.map((role) => (
                      <option key={role}>{role}</option>
                    ))}
                  </Select>
                </td>
                <td className="py-1.5 pr-3 text-xs text-zinc-500">{formatTime(user.createdAt)}</td>
                <td className="py-1.5">
                  {user.id === currentUserId ? (
                    <span className="text-xs text-zinc-500">you</span>
                  ) : (
                    <Button
                      variant={user.disabledAt ? "secondary" : "ghost"}
                      disabled={pending}
                      onClick={() => run(() => updateAction({ userId: user.id, disabled: !user.disabledAt }))}
                    >
                      {user.disabledAt ? "Enable" : "Disable"}
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form
        className="grid grid-cols-1 gap-3 sm:grid-cols-4"
        aria-label="Add a user"
        onSubmit={(event) => {
          event.preventDefault();
          run(
            () => createAction(draft),
            () => setDraft({ email: "", password: "", role: "viewer" }),
          );
        }}
      >
        <Field label="E-mail" htmlFor="new-user-email">
          <TextInput
            id="new-user-email"
            type="email"
            required
            value={draft.email}
            onChange={(event) => setDraft({ ...draft, email: event.target.value })}
          />
        </Field>
        <Field label="Initial password (10+ characters)" htmlFor="new-user-password">
          <TextInput
            id="new-user-password"
            type="password"
            required
            minLength={10}
            autoComplete="new-password"
            value={draft.password}
            onChange={(event) => setDraft({ ...draft, password: event.target.value })}
          />
        </Field>
        <Field label="Role" htmlFor="new-user-role">
          <Select
            id="new-user-role"
            value={draft.role}
            onChange={(event) => setDraft({ ...draft, role: event.target.value })}
          >
            {ROLES.map((role) => (
              <option key={role}>{role}</option>
            ))}
          </Select>
        </Field>
        <div className="flex items-end">
          <Button type="submit" disabled={pending}>
            Add user
          </Button>
        </div>
      </form>
      {result && (
        <Alert tone={result.ok ? "success" : "error"}>{result.ok ? result.message : result.error}</Alert>
      )}
    </div>
  );
}
