"use client";

import { useState, useTransition, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field, Select, TextInput } from "@/components/ui/field";

type Result = { ok: true; message?: string } | { ok: false; error: string };

const isoMinute = (time: number) => new Date(time).toISOString().slice(0, 16);

export function RunForm({
  action,
}: {
  action: (input: { provider: string; kind: string; from: string; to: string }) => Promise<Result>;
}) {
  const [values, setValues] = useState(() => {
    const now = Date.now();
    return { provider: "stripe", kind: "all", from: isoMinute(now - 86_400_000), to: isoMinute(now) };
  });
  const [result, setResult] = useState<Result | null>(null);
  const [pending, startTransition] = useTransition();
  const set = (key: keyof typeof values) => (event: { target: { value: string } }) =>
    setValues((current) => ({ ...current, [key]: event.target.value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    startTransition(async () => setResult(await action(values)));
  };
  return (
    <form onSubmit={submit} aria-label="Start a reconciliation run" className="flex flex-col gap-3">
      <div className="grid grid-cols-2 gap-3 md:grid-cols-5">
        <Field label="Provider" htmlFor="run-provider">
          <Select id="run-provider" value={values.provider} onChange={set("provider")}>
            <option value="stripe">stripe</option>
            <option value="mangopay">mangopay</option>
          </Select>
        </Field>
        <Field label="Checks" htmlFor="run-kind">
          <Select id="run-kind" value={values.kind} onChange={set("kind")}>
            <option value="all">all</option>
            <option value="transactions">transactions</option>
            <option value="fees">fees</option>
            <option value="settlement">settlement</option>
          </Select>
        </Field>
        <Field label="From (UTC)" htmlFor="run-from">
          <TextInput
            id="run-from"
            type="datetime-local"
            value={values.from}
            onChange={set("from")}
            required
          />
        </Field>
        <Field label="To (UTC, exclusive)" htmlFor="run-to">
          <TextInput id="run-to" type="datetime-local" value={values.to} onChange={set("to")} required />
        </Field>
        <div className="flex items-end">
          <Button type="submit" disabled={pending}>
            {pending ? "Queueing…" : "Start run"}
          </Button>
        </div>
      </div>
      {result && (
        <Alert tone={result.ok ? "success" : "error"}>{result.ok ? result.message : result.error}</Alert>
      )}
    </form>
  );
}
