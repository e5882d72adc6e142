"use client";

import type { ActionResult } from "@/components/ui/action-result";
import { CsvUploadForm } from "./csv-upload-form";

/** Upload an Adyen settlement details report (CSV as downloaded from the Customer Area). */
export function AdyenReportUpload({ upload }: { upload: (file: File) => Promise<ActionResult> }) {
  return (
    <CsvUploadForm
      label="Import an Adyen settlement details report"
      fileLabel="Settlement details report (CSV)"
      fileId="adyen-report-file"
      submitLabel="Import report"
      upload={upload}
    />
  );
}
