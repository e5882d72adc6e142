"use client";

import { useState, useTransition, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field, TextInput } from "@/components/ui/field";

type Result = { ok: true; message?: string } | { ok: false; error: string };

/** Upload a bank statement CSV; columns are recognised from common bank exports. */
export function StatementUpload({
  action,
}: {
  action: (input: { csv: string; currency: string }) => Promise<Result>;
}) {
  const [file, setFile] = useState<File | null>(null);
  const [currency, setCurrency] = useState("");
  const [result, setResult] = useState<Result | null>(null);
  const [pending, startTransition] = useTransition();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    startTransition(async () => setResult(await action({ csv: await file.text(), currency })));
  };
  return (
    <form onSubmit={submit} aria-label="Import a bank statement" className="flex flex-col gap-3">
      <div className="grid grid-cols-1 gap-3 md:grid-cols-3">
        <Field
          label="Statement (CSV: date, amount or credit, currency, reference/description)"
          htmlFor="statement-file"
        >
          <TextInput
            id="statement-file"
            type="file"
            accept=".csv,text/csv"
            onChange={(event) => setFile(event.target.files?.[0] ?? null)}
            required
          />
        </Field>
        <Field label="Currency when the file has none" htmlFor="statement-currency">
          <TextInput
            id="statement-currency"
            value={currency}
            onChange={(event) => setCurrency(event.target.value)}
            placeholder="eur"
            maxLength={3}
          />
        </Field>
        <div className="flex items-end">
          <Button type="submit" disabled={pending || !file}>
            {pending ? "Importing…" : "Import statement"}
          </Button>
        </div>
      </div>
      {result && (
        <Alert tone={result.ok ? "success" : "error"}>{result.ok ? result.message : result.error}</Alert>
      )}
    </form>
  );
}
