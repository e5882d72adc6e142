"use client";

import { useState, type FormEvent } from "react";
import { ResultAlert, type ActionResult } from "@/components/ui/action-result";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/labelled-fields";
import { useAction } from "@/components/ui/use-action";

const isoMinute = (time: number) => new Date(time).toISOString().slice(0, 16);

export function RunForm({
  action,
}: {
  action: (input: { provider: string; kind: string; from: string; to: string }) => Promise<ActionResult>;
}) {
  const [values, setValues] = useState(() => {
    const now = Date.now();
    return { provider: "stripe", kind: "all", from: isoMinute(now - 86_400_000), to: isoMinute(now) };
  });
  const { result, pending, run } = useAction();
  const bind = (key: keyof typeof values) => ({
    id: `run-${key}`,
    value: values[key],
    onChange: (event: { target: { value: string } }) =>
      setValues((current) => ({ ...current, [key]: event.target.value })),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    run(() => action(values));
  };
  return (
    <form onSubmit={submit} aria-label="Start a reconciliation run" className="flex flex-col gap-3">
      <div className="grid grid-cols-2 gap-3 md:grid-cols-5">
        <SelectField label="Provider" {...bind("provider")} options={["stripe", "mangopay"]} />
        <SelectField
          label="Checks"
          {...bind("kind")}
          options={["all", "transactions", "fees", "settlement"]}
        />
        <TextField label="From (UTC)" {...bind("from")} type="datetime-local" required />
        <TextField label="To (UTC, exclusive)" {...bind("to")} type="datetime-local" required />
        <div className="flex items-end">
          <Button type="submit" disabled={pending}>
            {pending ? "Queueing…" : "Start run"}
          </Button>
        </div>
      </div>
      <ResultAlert result={result} />
    </form>
  );
}
