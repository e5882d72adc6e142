"use client";

import { useState } from "react";
import { ResultAlert, type ActionResult } from "@/components/ui/action-result";
import { Button } from "@/components/ui/button";
import { Field, TextInput } from "@/components/ui/field";
import { useAction } from "@/components/ui/use-action";

export type ThresholdValues = {
  lagThresholdSeconds: number;
  rejectedPerMinute: number;
  silentWorkerSeconds: number;
  deadLetterWindowMinutes: number;
  ackFailureThreshold: number;
  ackFailureWindowMinutes: number;
  cooldownMinutes: number;
};

const FIELDS: { key: keyof ThresholdValues; label: string; min: number }[] = [
  { key: "lagThresholdSeconds", label: "Processing lag p95 above (seconds)", min: 1 },
  { key: "rejectedPerMinute", label: "Rejected deliveries per minute above", min: 0 },
  { key: "silentWorkerSeconds", label: "Worker silent for (seconds)", min: 15 },
  { key: "deadLetterWindowMinutes", label: "Dead letters count as new for (minutes)", min: 1 },
  { key: "ackFailureThreshold", label: "Unacknowledged deliveries at least", min: 1 },
  { key: "ackFailureWindowMinutes", label: "… within (minutes)", min: 1 },
  { key: "cooldownMinutes", label: "Cooldown between posts per alert (minutes)", min: 0 },
];

export function AlertThresholdsForm({
  initial,
  canEdit,
  updatedBy,
  action,
}: {
  initial: ThresholdValues;
  canEdit: boolean;
  updatedBy: string | null;
  action: (input: ThresholdValues) => Promise<ActionResult>;
}) {
  const [values, setValues] = useState(initial);
  const { result, pending, run } = useAction();
  return (
    <form
      className="flex flex-col gap-3"
      onSubmit={(event) => {
        event.preventDefault();
        run(() => action(values));
      }}
    >
      <ResultAlert result={result} />
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3">
        {FIELDS.map((field) => (
          <Field key={field.key} label={field.label} htmlFor={`threshold-${field.key}`}>
            <TextInput
              id={`threshold-${field.key}`}
              type="number"
              inputMode="numeric"
              min={field.min}
              step={1}
              required
              disabled={!canEdit || pending}
              value={values[field.key]}
              onChange={(event) => setValues({ ...values, [field.key]: Number(event.target.value) })}
            />
          </Field>
        ))}
      </div>
      <div className="flex items-center justify-between gap-2 text-xs text-zinc-500">
        <span>{updatedBy ? `Last changed by ${updatedBy}` : "Defaults (never changed)"}</span>
        {canEdit ? (
          <Button type="submit" disabled={pending}>
            {pending ? "Saving…" : "Save thresholds"}
          </Button>
        ) : (
          <span>Only admins can change thresholds.</span>
        )}
      </div>
    </form>
  );
}
