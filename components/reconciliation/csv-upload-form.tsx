"use client";

import { useState, type FormEvent, type ReactNode } from "react";
import { ResultAlert, type ActionResult } from "@/components/ui/action-result";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/labelled-fields";
import { useAction } from "@/components/ui/use-action";

/** Picks one CSV file and hands it to `upload`; `children` are any fields shown after the file. */
export function CsvUploadForm({
  label,
  fileLabel,
  fileId,
  submitLabel,
  upload,
  children,
}: {
  label: string;
  fileLabel: string;
  fileId: string;
  submitLabel: string;
  upload: (file: File) => Promise<ActionResult>;
  children?: ReactNode;
}) {
  const [file, setFile] = useState<File | null>(null);
  const { result, pending, run } = useAction();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    run(() => upload(file));
  };
  return (
    <form onSubmit={submit} aria-label={label} className="flex flex-col gap-3">
      <div className="grid grid-cols-1 gap-3 md:grid-cols-3">
        <TextField
          label={fileLabel}
          id={fileId}
          type="file"
          accept=".csv,text/csv"
          onChange={(event) => setFile(event.target.files?.[0] ?? null)}
          required
        />
        {children}
        <div className="flex items-end">
          <Button type="submit" disabled={pending || !file}>
            {pending ? "Importing…" : submitLabel}
          </Button>
        </div>
      </div>
      <ResultAlert result={result} />
    </form>
  );
}
