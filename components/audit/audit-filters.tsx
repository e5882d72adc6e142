"use client";

import { useState, type FormEvent } from "react";
import { useUrlParams } from "@/components/data-table/use-url-params";
import { Button } from "@/components/ui/button";
import { Field, Select, TextInput } from "@/components/ui/field";

export function AuditFilters({ actions }: { actions: string[] }) {
  const { searchParams, update } = useUrlParams();
  const [values, setValues] = useState(() => ({
    action: searchParams.get("action") ?? "",
    actor: searchParams.get("actor") ?? "",
    target: searchParams.get("target") ?? "",
    from: searchParams.get("from") ?? "",
    to: searchParams.get("to") ?? "",
  }));
  const set = (key: keyof typeof values) => (event: { target: { value: string } }) =>
    setValues((current) => ({ ...current, [key]: event.target.value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    update(values);
  };
  return (
    <form
      role="search"
      aria-label="Filter the audit log"
      onSubmit={submit}
      className="mb-4 grid grid-cols-2 gap-3 md:grid-cols-6"
    >
      <Field label="Action" htmlFor="audit-action">
        <Select id="audit-action" value={values.action} onChange={set("action")}>
          <option value="">Any</option>
          {actions.map((action) => (
            <option key={action}>{action}</option>
          ))}
        </Select>
      </Field>
      <Field label="Actor" htmlFor="audit-actor">
        <TextInput id="audit-actor" value={values.actor} onChange={set("actor")} placeholder="user:ana@…" />
      </Field>
      <Field label="Target" htmlFor="audit-target">
        <TextInput id="audit-target" value={values.target} onChange={set("target")} placeholder="event:123" />
      </Field>
      <Field label="From (UTC)" htmlFor="audit-from">
        <TextInput id="audit-from" type="datetime-local" value={values.from} onChange={set("from")} />
      </Field>
      <Field label="Before (UTC)" htmlFor="audit-to">
        <TextInput id="audit-to" type="datetime-local" value={values.to} onChange={set("to")} />
      </Field>
      <div className="flex items-end">
        <Button type="submit">Apply</Button>
      </div>
    </form>
  );
}
