"use client";

import { useState, type FormEvent } from "react";
import { useUrlParams } from "@/components/data-table/use-url-params";
import { Button } from "@/components/ui/button";
import { Field, Select, TextInput } from "@/components/ui/field";
import { DISCREPANCY_KIND_OPTIONS, DISCREPANCY_STATUS_OPTIONS, kindLabel } from "./labels";

export function DiscrepancyFilters() {
  const { searchParams, update } = useUrlParams();
  const [values, setValues] = useState(() => ({
    kind: searchParams.get("kind") ?? "",
    status: searchParams.get("status") ?? "",
    provider: searchParams.get("provider") ?? "",
    run: searchParams.get("run") ?? "",
    assignee: searchParams.get("assignee") ?? "",
    object: searchParams.get("object") ?? "",
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
      aria-label="Filter discrepancies"
      onSubmit={submit}
      className="mb-4 grid grid-cols-2 gap-3 md:grid-cols-7"
    >
      <Field label="Kind" htmlFor="d-kind">
        <Select id="d-kind" value={values.kind} onChange={set("kind")}>
          <option value="">Any</option>
          {DISCREPANCY_KIND_OPTIONS.map((kind) => (
            <option key={kind} value={kind}>
              {kindLabel(kind)}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Status" htmlFor="d-status">
        <Select id="d-status" value={values.status} onChange={set("status")}>
          <option value="">Any</option>
          {DISCREPANCY_STATUS_OPTIONS.map((status) => (
            <option key={status} value={status}>
              {status.replace(/_/g, " ")}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Provider" htmlFor="d-provider">
        <Select id="d-provider" value={values.provider} onChange={set("provider")}>
          <option value="">Any</option>
          <option value="stripe">stripe</option>
          <option value="mangopay">mangopay</option>
          <option value="adyen">adyen</option>
        </Select>
      </Field>
      <Field label="Run" htmlFor="d-run">
        <TextInput id="d-run" inputMode="numeric" value={values.run} onChange={set("run")} placeholder="#" />
      </Field>
      <Field label="Assignee" htmlFor="d-assignee">
        <TextInput id="d-assignee" value={values.assignee} onChange={set("assignee")} />
      </Field>
      <Field label="Object id" htmlFor="d-object">
        <TextInput id="d-object" value={values.object} onChange={set("object")} placeholder="pi_…" />
      </Field>
      <div className="flex items-end">
        <Button type="submit">Apply</Button>
      </div>
    </form>
  );
}
