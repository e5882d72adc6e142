"use client";

import { useState, type FormEvent } from "react";
import { useUrlParams } from "@/components/data-table/use-url-params";
import { Button } from "@/components/ui/button";
import { Field, Select, TextInput } from "@/components/ui/field";

const STATUSES = ["pending", "processing", "processed", "retrying", "dead", "ignored", "discarded"];

/** Explorer filters; applying them rewrites the URL, which the server page reads. */
export function EventFilters({ providers, types }: { providers: string[]; types: string[] }) {
  const { searchParams, update } = useUrlParams();
  const [values, setValues] = useState(() => ({
    q: searchParams.get("q") ?? "",
    provider: searchParams.get("provider") ?? "",
    type: searchParams.get("type") ?? "",
    status: searchParams.get("status") ?? "",
    from: searchParams.get("from") ?? "",
    to: searchParams.get("to") ?? "",
  }));
  const set = (key: keyof typeof values) => (event: { target: { value: string } }) =>
    setValues((current) => ({ ...current, [key]: event.target.value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    update(values);
  };
  const clear = () => {
    const empty = { q: "", provider: "", type: "", status: "", from: "", to: "" };
    setValues(empty);
    update(empty);
  };
  return (
    <form
      role="search"
      aria-label="Filter events"
      onSubmit={submit}
      className="mb-4 grid grid-cols-2 gap-3 md:grid-cols-4 xl:grid-cols-7"
    >
      <Field label="Event or object id" htmlFor="filter-q" className="col-span-2">
        <TextInput
          id="filter-q"
          value={values.q}
          onChange={set("q")}
          placeholder="evt_…, pi_…, or Tally id"
        />
      </Field>
      <Field label="Provider" htmlFor="filter-provider">
        <Select id="filter-provider" value={values.provider} onChange={set("provider")}>
          <option value="">Any</option>
          {providers.map((provider) => (
            <option key={provider}>{provider}</option>
          ))}
        </Select>
      </Field>
      <Field label="Type" htmlFor="filter-type">
        <Select id="filter-type" value={values.type} onChange={set("type")}>
          <option value="">Any</option>
          {types.map((type) => (
            <option key={type}>{type}</option>
          ))}
        </Select>
      </Field>
      <Field label="Status" htmlFor="filter-status">
        <Select id="filter-status" value={values.status} onChange={set("status")}>
          <option value="">Any</option>
          {STATUSES.map((status) => (
            <option key={status}>{status}</option>
          ))}
        </Select>
      </Field>
      <Field label="Received from (UTC)" htmlFor="filter-from">
        <TextInput id="filter-from" type="datetime-local" value={values.from} onChange={set("from")} />
      </Field>
      <Field label="Received before (UTC)" htmlFor="filter-to">
        <TextInput id="filter-to" type="datetime-local" value={values.to} onChange={set("to")} />
      </Field>
      <div className="col-span-2 flex items-end gap-2 md:col-span-4 xl:col-span-7">
        <Button type="submit">Apply filters</Button>
        <Button variant="ghost" onClick={clear}>
          Clear
        </Button>
      </div>
    </form>
  );
}
