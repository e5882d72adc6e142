"use client";

import { useState } from "react";
import type { ActionResult } from "@/components/ui/action-result";
import { TextField } from "@/components/ui/labelled-fields";
import { CsvUploadForm } from "./csv-upload-form";

/** Upload a bank statement CSV; columns are recognised from common bank exports. */
export function StatementUpload({
  upload,
}: {
  upload: (file: File, params: { currency: string }) => Promise<ActionResult>;
}) {
  const [currency, setCurrency] = useState("");
  return (
    <CsvUploadForm
      label="Import a bank statement"
      fileLabel="Statement (CSV: date, amount or credit, currency, reference/description)"
      fileId="statement-file"
      submitLabel="Import statement"
      upload={(file) => upload(file, { currency })}
    >
      <TextField
        label="Currency when the file has none"
        id="statement-currency"
        value={currency}
        onChange={(event) => setCurrency(event.target.value)}
        placeholder="eur"
        maxLength={3}
      />
    </CsvUploadForm>
  );
}
