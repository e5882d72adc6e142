"use client";

import Link from "next/link";
import { useMemo, useState, useTransition } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Field, TextInput } from "@/components/ui/field";
import { formatCount, formatTime } from "@/components/ui/format";
import type { DeadLetterGroup } from "@/lib/events/dead-letters";
import { formatMoney, sumByCurrency, type MoneyByCurrency } from "@/lib/money";

type Result<T> = { ok: true; data: T; message?: string } | { ok: false; error: string };
type BulkAction = (input: { eventIds: number[]; reason: string }) => Promise<Result<{ count: number }>>;
type PreviewAction = (input: {
  eventIds: number[];
}) => Promise<Result<{ count: number; money: MoneyByCurrency }>>;

const moneyText = (money: MoneyByCurrency) =>
  money.length === 0 ? "no amount" : money.map((item) => formatMoney(item.amount, item.currency)).join(" + ");

export function DeadLetterGroups({
  groups,
  canAct,
  replayAction,
  discardAction,
  previewAction,
}: {
  groups: DeadLetterGroup[];
  canAct: boolean;
  replayAction: BulkAction;
  discardAction: BulkAction;
  previewAction: PreviewAction;
}) {
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [reason, setReason] = useState("");
  const [confirming, setConfirming] = useState<{
    kind: "replay" | "discard";
    count: number;
    money: MoneyByCurrency;
  } | null>(null);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, startTransition] = useTransition();

  const allEvents = useMemo(() => groups.flatMap((group) => group.events), [groups]);
  const selectedMoney = useMemo(
    () => sumByCurrency(allEvents.filter((event) => selected.has(event.id))),
    [allEvents, selected],
  );

  const toggle = (ids: number[], on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      for (const id of ids) {
        if (on) next.add(id);
        else next.delete(id);
      }
      return next;
    });

  const ask = (kind: "replay" | "discard") => {
    setResult(null);
    const eventIds = [...selected];
    startTransition(async () => {
      // The server counts what is still dead now, so the confirmation is never stale.
      const preview = await previewAction({ eventIds });
      if (!preview.ok) return setResult({ ok: false, text: preview.error });
      setConfirming({ kind, ...preview.data });
    });
  };

  const confirm = () => {
    if (!confirming) return;
    const action = confirming.kind === "replay" ? replayAction : discardAction;
    startTransition(async () => {
      const outcome = await action({ eventIds: [...selected], reason });
      setConfirming(null);
      if (outcome.ok) {
        setSelected(new Set());
        setReason("");
        setResult({ ok: true, text: outcome.message ?? "Done." });
      } else {
        setResult({ ok: false, text: outcome.error });
      }
    });
  };

  const resultAlert = result && <Alert tone={result.ok ? "success" : "error"}>{result.text}</Alert>;

  // The outcome of the last action stays on screen even when it emptied the list.
  if (groups.length === 0)
    return (
      <div className="flex flex-col gap-4">
        {resultAlert}
        <Alert tone="success">No dead letters. Everything received has been processed or closed.</Alert>
      </div>
    );

  return (
    <div className="flex flex-col gap-4">
      {canAct && (
        <div className="sticky top-0 z-10 flex flex-wrap items-end gap-3 rounded-lg border border-zinc-200 bg-white/95 p-3 backdrop-blur dark:border-zinc-800 dark:bg-zinc-900/95">
          <p className="text-sm" aria-live="polite" data-testid="selection-summary">
            <strong>{formatCount(selected.size)}</strong> selected · {moneyText(selectedMoney)}
          </p>
          <Field label="Reason (required, audited)" htmlFor="bulk-reason" className="min-w-64 flex-1">
            <TextInput
              id="bulk-reason"
              value={reason}
              onChange={(event) => setReason(event.target.value)}
              maxLength={500}
            />
          </Field>
          <Button
            disabled={selected.size === 0 || reason.trim().length < 3 || pending}
            onClick={() => ask("replay")}
          >
            Replay selected
          </Button>
          <Button
            variant="danger"
            disabled={selected.size === 0 || reason.trim().length < 3 || pending}
            onClick={() => ask("discard")}
          >
            Discard selected
          </Button>
        </div>
      )}
      {!canAct && <Alert>Replaying or discarding dead letters needs the operator role.</Alert>}
      {resultAlert}
      {groups.map((group) => {
        const ids = group.events.map((event) => event.id);
        const allOn = ids.every((id) => selected.has(id));
        return (
          <section
            key={group.fingerprint}
            aria-label={`${group.provider} ${group.type}: ${group.error}`}
            className="rounded-lg border border-zinc-200 dark:border-zinc-800"
            data-testid="dead-letter-group"
          >
            <header className="flex flex-wrap items-start justify-between gap-3 border-b border-zinc-200 p-3 dark:border-zinc-800">
              <div className="min-w-0">
                <p className="text-sm font-semibold">
                  {group.provider} · {group.type}{" "}
                  <span className="ml-1 rounded bg-red-100 px-1.5 text-xs text-red-800 dark:bg-red-950 dark:text-red-200">
                    {formatCount(group.count)}
                  </span>
                </p>
                <p className="mt-1 break-words font-mono text-xs text-red-700 dark:text-red-300">
                  {group.error}
                </p>
                <p className="mt-1 text-xs text-zinc-500">
                  first {formatTime(group.firstSeen)} · last {formatTime(group.lastSeen)} ·{" "}
                  {moneyText(group.money)}
                  {group.events.length < group.count ? ` · showing newest ${group.events.length}` : ""}
                </p>
              </div>
              {canAct && (
                <label className="flex items-center gap-1.5 text-sm">
                  <input
                    type="checkbox"
                    checked={allOn}
                    onChange={(event) => toggle(ids, event.target.checked)}
                  />
                  Select group
                </label>
              )}
            </header>
            <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {group.events.map((event) => (
                <li key={event.id} className="flex flex-wrap items-center gap-3 px-3 py-1.5 text-sm">
                  {canAct && (
                    <input
                      type="checkbox"
                      aria-label={`Select event ${event.id}`}
                      checked={selected.has(event.id)}
                      onChange={(change) => toggle([event.id], change.target.checked)}
                    />
                  )}
                  <Link
                    href={`/events/${event.id}`}
                    className="font-mono text-indigo-700 hover:underline dark:text-indigo-300"
                  >
                    {event.id}
                  </Link>
                  <span className="font-mono text-xs text-zinc-600 dark:text-zinc-400">
                    {event.objectId ?? event.providerEventId}
                  </span>
                  <span className="text-xs text-zinc-500">{formatTime(event.receivedAt)}</span>
                  <span className="text-xs text-zinc-500">{event.attempts} attempts</span>
                  {event.amount != null && event.currency && (
                    <span className="ml-auto text-xs tabular-nums">
                      {formatMoney(event.amount, event.currency)}
                    </span>
                  )}
                </li>
              ))}
            </ul>
          </section>
        );
      })}
      <ConfirmDialog
        open={confirming != null}
        title={confirming?.kind === "replay" ? "Replay dead letters?" : "Discard dead letters?"}
        confirmLabel={`${confirming?.kind === "replay" ? "Replay" : "Discard"} ${confirming?.count ?? 0} event${confirming?.count === 1 ? "" : "s"}`}
        confirmVariant={confirming?.kind === "discard" ? "danger" : "primary"}
        pending={pending}
        onConfirm={confirm}
        onCancel={() => setConfirming(null)}
      >
        <p data-testid="confirm-summary">
          This will {confirming?.kind} <strong>{confirming?.count ?? 0}</strong> event
          {confirming?.count === 1 ? "" : "s"} carrying <strong>{moneyText(confirming?.money ?? [])}</strong>.
        </p>
        <p className="mt-2 text-zinc-600 dark:text-zinc-400">Reason: “{reason}”</p>
      </ConfirmDialog>
    </div>
  );
}
