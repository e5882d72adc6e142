"use client";

import { useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { SelectField } from "@/components/ui/labelled-fields";
import { ROLES } from "./roles";

type Draft<Name extends string> = Record<Name | "role", string>;
type Bind = { id: string; value: string; onChange: (event: { target: { value: string } }) => void };

/**
 * The form under a settings list that creates a user or a token: its own
 * fields, then a role. `onCreate` gets `reset`, to clear the draft only once
 * the server accepted it.
 */
export function CreateForm<Name extends string>({
  label,
  idPrefix,
  initial,
  submitLabel,
  pending,
  onCreate,
  children,
}: {
  label: string;
  idPrefix: string;
  initial: Draft<Name>;
  submitLabel: string;
  pending: boolean;
  onCreate: (draft: Draft<Name>, reset: () => void) => void;
  children: (bind: (name: Name | "role") => Bind) => ReactNode;
}) {
  const [draft, setDraft] = useState(initial);
  const bind = (name: Name | "role"): Bind => ({
    id: `${idPrefix}-${name}`,
    value: draft[name],
    onChange: (event) => setDraft((current) => ({ ...current, [name]: event.target.value })),
  });
  return (
    <form
      aria-label={label}
      className="grid grid-cols-1 gap-3 sm:grid-cols-4"
      onSubmit={(event) => {
        event.preventDefault();
        onCreate(draft, () => setDraft(initial));
      }}
    >
      {children(bind)}
      <SelectField label="Role" {...bind("role")} options={ROLES} />
      <div className="flex items-end">
        <Button type="submit" disabled={pending}>
          {submitLabel}
        </Button>
      </div>
    </form>
  );
}
