"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useState } from "react";
import { ImportActivity } from "@/components/reconciliation/import-activity";
import type { ActionResult } from "@/components/ui/action-result";
import type { ImportProgress } from "@/lib/imports/queries";
import { uploadCsv } from "./upload-csv";

/** Polls this often while an import runs, and this often otherwise (imports may start elsewhere, e.g. the API). */
const BUSY_POLL_MS = 1000;
const IDLE_POLL_MS = 10_000;

/**
 * The payouts page's imports in the browser: files stream to /api/imports
 * (a server action would buffer them whole), and the progress list is
 * polled while the page is visible.
 */
export function ImportsLive({ initial, canImport }: { initial: ImportProgress[]; canImport: boolean }) {
  const router = useRouter();
  const [imports, setImports] = useState(initial);
  const [uploads, setUploads] = useState(0);
  const busy = uploads > 0 || imports.some((item) => item.status === "running");

  const poll = useCallback(async () => {
    try {
      const response = await fetch("/api/imports", { cache: "no-store" });
      if (response.ok) setImports(((await response.json()) as { data: ImportProgress[] }).data);
    } catch {
      // The next poll tries again.
    }
  }, []);

  useEffect(() => {
    const timer = setInterval(
      () => {
        if (document.visibilityState === "visible") void poll();
      },
      busy ? BUSY_POLL_MS : IDLE_POLL_MS,
    );
    return () => clearInterval(timer);
  }, [busy, poll]);

  const tracked = async (work: Promise<ActionResult>) => {
    setUploads((count) => count + 1);
    try {
      const result = await work;
      // The settlement table above reads the new deposits or report lines.
      if (result.ok) router.refresh();
      return result;
    } finally {
      setUploads((count) => count - 1);
      void poll();
    }
  };

  return (
    <ImportActivity
      imports={imports}
      canImport={canImport}
      uploadStatement={(file, params) => tracked(uploadCsv("bank-statement", file, params))}
      uploadAdyenReport={(file) => tracked(uploadCsv("adyen-report", file))}
    />
  );
}
