"use client";

import type { FormEvent, InputHTMLAttributes } from "react";
import { Button } from "@/components/ui/button";
import { SelectField, TextField, type SelectOption } from "@/components/ui/labelled-fields";
import { useFilterParams } from "./use-filter-params";

/** One filter: `name` is its URL parameter; with `options` it is a select whose empty choice is "Any". */
export type FilterField = { name: string; id: string; label: string; className?: string } & (
  | { options: readonly SelectOption[] }
  | Pick<InputHTMLAttributes<HTMLInputElement>, "type" | "placeholder" | "inputMode">
);

/** A search form whose fields live in the URL, which the server page reads. */
export function FilterBar({
  label,
  fields,
  className,
  actionsClassName = "flex items-end",
  submitLabel = "Apply",
  clearable = false,
}: {
  label: string;
  fields: readonly FilterField[];
  className: string;
  actionsClassName?: string;
  submitLabel?: string;
  clearable?: boolean;
}) {
  const { values, set, apply, clear } = useFilterParams(fields.map((field) => field.name));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    apply();
  };
  return (
    <form role="search" aria-label={label} onSubmit={submit} className={className}>
      {fields.map(({ name, ...field }) => {
        const bind = {
          value: values[name] ?? "",
          onChange: (event: { target: { value: string } }) => set(name, event.target.value),
        };
        return "options" in field ? (
          <SelectField key={name} {...field} {...bind} anyLabel="Any" />
        ) : (
          <TextField key={name} {...field} {...bind} />
        );
      })}
      <div className={actionsClassName}>
        <Button type="submit">{submitLabel}</Button>
        {clearable && (
          <Button variant="ghost" onClick={clear}>
            Clear
          </Button>
        )}
      </div>
    </form>
  );
}
