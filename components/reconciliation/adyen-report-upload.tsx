"use client";

import { useState, useTransition, type FormEvent } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field, TextInput } from "@/components/ui/field";

type Result = { ok: true; message?: string } | { ok: false; error: string };

/** Upload an Adyen settlement details report (CSV as downloaded from the Customer Area). */
export function AdyenReportUpload({ action }: { action: (input: { csv: string }) => Promise<Result> }) {
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  const [pending, startTransition] = useTransition();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    startTransition(async () => setResult(await action({ csv: await file.text() })));
  };
  return (
    <form
      onSubmit={submit}
      aria-label="Import an Adyen settlement details report"
      className="flex flex-col gap-3"
    >
      <div className="grid grid-cols-1 gap-3 md:grid-cols-3">
        <Field label="Settlement details report (CSV)" htmlFor="adyen-report-file">
          <TextInput
            id="adyen-report-file"
            type="file"
            accept=".csv,text/csv"
            onChange={(event) => setFile(event.target.files?.[0] ?? null)}
            required
          />
        </Field>
        <div className="flex items-end">
          <Button type="submit" disabled={pending || !file}>
            {pending ? "Importing…" : "Import report"}
          </Button>
        </div>
      </div>
      {result && (
        <Alert tone={result.ok ? "success" : "error"}>{result.ok ? result.message : result.error}</Alert>
      )}
    </form>
  );
}
