"use client";

import { useState, useTransition } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field, TextInput } from "@/components/ui/field";

type Result = { ok: true; message?: string } | { ok: false; error: string };

export function ReplayButton({
  eventId,
  action,
}: {
  eventId: number;
  action: (input: { eventId: number; reason?: string }) => Promise<Result>;
}) {
  const [reason, setReason] = useState("");
  const [result, setResult] = useState<Result | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <form
      className="flex flex-col gap-2"
      onSubmit={(event) => {
        event.preventDefault();
        startTransition(async () => setResult(await action({ eventId, reason: reason || undefined })));
      }}
    >
      <Field label="Reason (recorded in the audit log)" htmlFor="replay-reason">
        <TextInput
          id="replay-reason"
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          maxLength={500}
        />
      </Field>
      <div>
        <Button type="submit" disabled={pending}>
          {pending ? "Replaying…" : "Replay event"}
        </Button>
      </div>
      {result && (
        <Alert tone={result.ok ? "success" : "error"}>{result.ok ? result.message : result.error}</Alert>
      )}
    </form>
  );
}
