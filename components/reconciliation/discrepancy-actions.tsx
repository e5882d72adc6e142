"use client";

import { useState, type ReactNode } from "react";
import { ResultAlert, type ActionResult } from "@/components/ui/action-result";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { SelectField, TextField } from "@/components/ui/labelled-fields";
import { useAction } from "@/components/ui/use-action";
import { RESOLUTION_OPTIONS } from "./labels";

type Act<I> = (input: I) => Promise<ActionResult>;

export type DiscrepancyActionSet = {
  resolve: Act<{ id: number; resolution: string; note: string }>;
  ignore: Act<{ id: number; note: string }>;
  reopen: Act<{ id: number }>;
  assign: Act<{ id: number; assignee: string }>;
  comment: Act<{ id: number; body: string }>;
  recheck: Act<{ id: number }>;
  backfill: Act<{ id: number }>;
};

/** Finance's actions on one discrepancy; every one is audited on the server. */
export function DiscrepancyActions({
  id,
  status,
  assignee,
  canAct,
  actions,
}: {
  id: number;
  status: string;
  assignee: string | null;
  canAct: boolean;
  actions: DiscrepancyActionSet;
}) {
  const { result, pending, run } = useAction();
  const [resolution, setResolution] = useState<string>(RESOLUTION_OPTIONS[0][0]);
  const [note, setNote] = useState("");

  if (!canAct)
    return (
      <Card title="Actions">
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Working discrepancies needs the finance role.
        </p>
      </Card>
    );

  const closed = status === "resolved" || status === "ignored";
  return (
    <Card title="Actions">
      <div className="flex flex-col gap-4">
        <ResultAlert result={result} />
        {closed ? (
          <Section title={`This discrepancy is ${status}.`}>
            <Button variant="secondary" disabled={pending} onClick={() => run(() => actions.reopen({ id }))}>
              Reopen
            </Button>
          </Section>
        ) : (
          <form
            onSubmit={(event) => {
              event.preventDefault();
              run(
                () => actions.resolve({ id, resolution, note }),
                () => setNote(""),
              );
            }}
          >
            <Section title="Resolve">
              <SelectField
                label="Reason"
                id="resolve-reason"
                value={resolution}
                onChange={(event) => setResolution(event.target.value)}
                options={RESOLUTION_OPTIONS}
              />
              <TextField
                label="Note"
                id="resolve-note"
                value={note}
                onChange={(event) => setNote(event.target.value)}
                maxLength={4000}
              />
              <div className="flex gap-2">
                <Button type="submit" disabled={pending}>
                  Resolve
                </Button>
                <Button
                  variant="secondary"
                  disabled={pending}
                  onClick={() => run(() => actions.ignore({ id, note }))}
                >
                  Ignore
                </Button>
              </div>
            </Section>
          </form>
        )}
        <TextActionForm
          title="Assignee"
          label="Assign to (email or name; empty to unassign)"
          id="assignee"
          initial={assignee ?? ""}
          maxLength={200}
          submitLabel="Save assignee"
          pending={pending}
          onSubmit={(value) => run(() => actions.assign({ id, assignee: value }))}
        />
        <TextActionForm
          title="Comment"
          label="Comment"
          id="comment"
          maxLength={4000}
          submitLabel="Add comment"
          pending={pending}
          needsText
          onSubmit={(value, clear) => run(() => actions.comment({ id, body: value }), clear)}
        />
        <Section title="Provider">
          <div className="flex flex-wrap gap-2">
            <Button variant="secondary" disabled={pending} onClick={() => run(() => actions.recheck({ id }))}>
              Re-check now
            </Button>
            <Button
              variant="secondary"
              disabled={pending}
              onClick={() => run(() => actions.backfill({ id }))}
            >
              Backfill our record from the provider
            </Button>
          </div>
        </Section>
      </div>
    </Card>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="flex flex-col gap-2">
      <legend className="mb-1 text-xs font-semibold uppercase tracking-wide text-zinc-500">{title}</legend>
      {children}
    </fieldset>
  );
}

/** One text field and its button, each in its own form so Enter submits only that action. */
function TextActionForm({
  title,
  label,
  id,
  initial = "",
  maxLength,
  submitLabel,
  pending,
  needsText = false,
  onSubmit,
}: {
  title: string;
  label: string;
  id: string;
  initial?: string;
  maxLength: number;
  submitLabel: string;
  pending: boolean;
  needsText?: boolean;
  onSubmit: (value: string, clear: () => void) => void;
}) {
  const [value, setValue] = useState(initial);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit(value, () => setValue(""));
      }}
    >
      <Section title={title}>
        <TextField
          label={label}
          id={id}
          value={value}
          onChange={(event) => setValue(event.target.value)}
          maxLength={maxLength}
        />
        <div>
          <Button type="submit" variant="secondary" disabled={pending || (needsText && !value.trim())}>
            {submitLabel}
          </Button>
        </div>
      </Section>
    </form>
  );
}
