"use client";

import { ResultAlert, type ActionResult } from "@/components/ui/action-result";
import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/field";
import { formatTime } from "@/components/ui/format";
import { TextField } from "@/components/ui/labelled-fields";
import { useAction } from "@/components/ui/use-action";
import { CreateForm } from "./create-form";
import { ROLES } from "./roles";
import { SettingsTable } from "./settings-table";

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
  createAction: (input: { email: string; password: string; role: string }) => Promise<ActionResult>;
  updateAction: (input: { userId: number; role?: string; disabled?: boolean }) => Promise<ActionResult>;
}) {
  const { result, pending, run } = useAction();
  return (
    <div className="flex flex-col gap-4">
      <SettingsTable caption="Users" headings={["E-mail", "Role", "Created", "State"]}>
        {users.map((user) => (
          <tr key={user.id}>
            <td className="py-1.5 pr-3">{user.email}</td>
            <td className="py-1.5 pr-3">
              <Select
                aria-label={`Role of ${user.email}`}
                value={user.role}
                disabled={pending || user.id === currentUserId}
                onChange={(event) => run(() => updateAction({ userId: user.id, role: event.target.value }))}
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
      </SettingsTable>
      <CreateForm
        label="Add a user"
        idPrefix="new-user"
        initial={{ email: "", password: "", role: "viewer" }}
        submitLabel="Add user"
        pending={pending}
        onCreate={(draft, reset) => run(() => createAction(draft), reset)}
      >
        {(bind) => (
          <>
            <TextField label="E-mail" {...bind("email")} type="email" required />
            <TextField
              label="Initial password (10+ characters)"
              {...bind("password")}
              type="password"
              required
              minLength={10}
              autoComplete="new-password"
            />
          </>
        )}
      </CreateForm>
      <ResultAlert result={result} />
    </div>
  );
}
