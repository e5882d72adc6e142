"use client";

import { useActionState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field, TextInput } from "@/components/ui/field";

type LoginState = { error?: string };

export function LoginForm({
  action,
  redirectTo,
  defaultEmail,
}: {
  action: (state: LoginState, form: FormData) => Promise<LoginState>;
  redirectTo: string;
  defaultEmail?: string;
}) {
  const [state, formAction, pending] = useActionState(action, {});
  return (
    <form
      action={formAction}
      className="flex flex-col gap-4"
      aria-describedby={state.error ? "login-error" : undefined}
    >
      <input type="hidden" name="redirectTo" value={redirectTo} />
      <Field label="E-mail" htmlFor="email">
        <TextInput
          id="email"
          name="email"
          type="email"
          autoComplete="username"
          required
          defaultValue={defaultEmail}
        />
      </Field>
      <Field label="Password" htmlFor="password">
        <TextInput id="password" name="password" type="password" autoComplete="current-password" required />
      </Field>
      {state.error && (
        <div id="login-error">
          <Alert tone="error">{state.error}</Alert>
        </div>
      )}
      <Button type="submit" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
