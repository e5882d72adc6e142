"use client";

import { useState, useTransition, type FormEvent, type ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field, Select, TextInput } from "@/components/ui/field";
import { RESOLUTION_OPTIONS } from "./labels";

type Result = { ok: true; message?: string } | { ok: false; error: string };
type Act<I> = (input: I) => Promise<Result>;

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
  const [result, setResult] = useState<Result | null>(null);
  const [pending, startTransition] = useTransition();
  const [resolution, setResolution] = useState<string>(RESOLUTION_OPTIONS[0][0]);
  const [note, setNote] = useState("");
  const [owner, setOwner] = useState(assignee ?? "");
  const [comment, setComment] = useState("");
  const run = (work: () => Promise<Result>, after?: () => void) =>
    startTransition(async () => {
      const outcome = await work();
      setResult(outcome);
      if (outcome.ok) after?.();
    });
  const onSubmit = (work: () => Promise<Result>, after?: () => void) => (event: FormEvent) => {
    event.preventDefault();
    run(work, after);
  };

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
        {result && (
          <Alert tone={result.ok ? "success" : "error"}>{result.ok ? result.message : result.error}</Alert>
        )}
        {closed ? (
          <Section title={`This discrepancy is ${status}.`}>
            <Button variant="secondary" disabled={pending} onClick={() => run(() => actions.reopen({ id }))}>
              Reopen
            </Button>
          </Section>
        ) : (
          <form
            onSubmit={onSubmit(
              () => actions.resolve({ id, resolution, note }),
              () => setNote(""),
            )}
          >
            <Section title="Resolve">
              <Field label="Reason" htmlFor="resolve-reason">
                <Select
                  id="resolve-reason"
                  value={resolution}
                  onChange={(event) => setResolution(event.target.value)}
                >
                  {RESOLUTION_OPTIONS.map(([code, label]) => (
                    <option key={code} value={code}>
                      {label}
                    </option>
                  ))}
                </Select>
              </Field>
              <Field label="Note" htmlFor="resolve-note">
                <TextInput
                  id="resolve-note"
                  value={note}
                  onChange={(event) => setNote(event.target.value)}
                  maxLength={4000}
                />
              </Field>
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
        <form onSubmit={onSubmit(() => actions.assign({ id, assignee: owner }))}>
          <Section title="Assignee">
            <Field label="Assign to (email or name; empty to unassign)" htmlFor="assignee">
              <TextInput
                id="assignee"
                value={owner}
                onChange={(event) => setOwner(event.target.value)}
                maxLength={200}
              />
            </Field>
            <div>
              <Button type="submit" variant="secondary" disabled={pending}>
                Save assignee
              </Button>
            </div>
          </Section>
        </form>
        <form
          onSubmit={onSubmit(
            () => actions.comment({ id, body: comment }),
            () => setComment(""),
          )}
        >
          <Section title="Comment">
            <Field label="Comment" htmlFor="comment">
              <TextInput
                id="comment"
                value={comment}
                onChange={(event) => setComment(event.target.value)}
                maxLength={4000}
              />
            </Field>
            <div>
              <Button type="submit" variant="secondary" disabled={pending || !comment.trim()}>
                Add comment
              </Button>
            </div>
          </Section>
        </form>
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
