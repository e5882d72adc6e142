"use client";

import { useState, type FormEvent } from "react";
import { ResultAlert, type ActionResult } from "@/components/ui/action-result";
import { Button } from "@/components/ui/button";
import { Field, TextInput } from "@/components/ui/field";
import { useAction } from "@/components/ui/use-action";

type Rule = { currency: string; percent: string; fixed: string };
export type FeeScheduleValue = {
  rules: { currency: string; percent: number; fixed: number }[];
  tolerance: number;
};

/** Rules apply in order: the first whose currency matches the settlement currency wins. */
export function FeeScheduleEditor({
  provider,
  initial,
  canEdit,
  action,
}: {
  provider: string;
  initial: FeeScheduleValue;
  canEdit: boolean;
  action: (input: { provider: string; schedule: unknown }) => Promise<ActionResult>;
}) {
  const [rules, setRules] = useState<Rule[]>(() =>
    initial.rules.map((rule) => ({
      currency: rule.currency,
      percent: String(rule.percent),
      fixed: String(rule.fixed),
    })),
  );
  const [tolerance, setTolerance] = useState(String(initial.tolerance));
  const { result, pending, run } = useAction();
  const update = (index: number, key: keyof Rule, value: string) =>
    setRules((current) => current.map((rule, at) => (at === index ? { ...rule, [key]: value } : rule)));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const schedule = {
      rules: rules.map((rule) => ({
        currency: rule.currency.trim(),
        percent: Number(rule.percent),
        fixed: Number(rule.fixed),
      })),
      tolerance: Number(tolerance),
    };
    run(() => action({ provider, schedule }));
  };
  return (
    <form onSubmit={submit} aria-label={`${provider} fee schedule`} className="flex flex-col gap-2">
      <p className="text-sm font-medium">{provider}</p>
      {rules.length === 0 && (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">No rules: fees are not checked.</p>
      )}
      {rules.map((rule, index) => (
        <div key={index} className="grid grid-cols-4 gap-2">
          <Field label="Currency" htmlFor={`${provider}-currency-${index}`}>
            <TextInput
              id={`${provider}-currency-${index}`}
              value={rule.currency}
              maxLength={3}
              disabled={!canEdit}
              onChange={(event) => update(index, "currency", event.target.value)}
            />
          </Field>
          <Field label="Percent" htmlFor={`${provider}-percent-${index}`}>
            <TextInput
              id={`${provider}-percent-${index}`}
              inputMode="decimal"
              value={rule.percent}
              disabled={!canEdit}
              onChange={(event) => update(index, "percent", event.target.value)}
            />
          </Field>
          <Field label="Fixed (minor units)" htmlFor={`${provider}-fixed-${index}`}>
            <TextInput
              id={`${provider}-fixed-${index}`}
              inputMode="numeric"
              value={rule.fixed}
              disabled={!canEdit}
              onChange={(event) => update(index, "fixed", event.target.value)}
            />
          </Field>
          {canEdit && (
            <div className="flex items-end">
              <Button
                variant="ghost"
                onClick={() => setRules((current) => current.filter((_, at) => at !== index))}
              >
                Remove
              </Button>
            </div>
          )}
        </div>
      ))}
      <div className="grid grid-cols-4 gap-2">
        <Field label="Tolerance (minor units)" htmlFor={`${provider}-tolerance`}>
          <TextInput
            id={`${provider}-tolerance`}
            inputMode="numeric"
            value={tolerance}
            disabled={!canEdit}
            onChange={(event) => setTolerance(event.target.value)}
          />
        </Field>
      </div>
      {canEdit && (
        <div className="flex gap-2">
          <Button
            variant="secondary"
            onClick={() =>
              setRules((current) => [...current, { currency: "eur", percent: "1.5", fixed: "25" }])
            }
          >
            Add rule
          </Button>
          <Button type="submit" disabled={pending}>
            {pending ? "Saving…" : "Save"}
          </Button>
        </div>
      )}
      <ResultAlert result={result} />
    </form>
  );
}
