"use client";

import { useState } from "react";
import { ResultAlert, type ActionResult } from "@/components/ui/action-result";
import { Button } from "@/components/ui/button";
import { Field, TextInput } from "@/components/ui/field";
import { useAction } from "@/components/ui/use-action";

export function ReplayButton({
  eventId,
  action,
}: {
  eventId: number;
  action: (input: { eventId: number; reason?: string }) => Promise<ActionResult>;
}) {
  const [reason, setReason] = useState("");
  const { result, pending, run } = useAction();
  return (
    <form
      className="flex flex-col gap-2"
      onSubmit={(event) => {
        event.preventDefault();
        run(() => action({ eventId, reason: reason || undefined }));
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
      <ResultAlert result={result} />
    </form>
  );
}
