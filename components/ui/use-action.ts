"use client";

import { useState, useTransition } from "react";
import type { ActionResult } from "./action-result";

/** Runs server actions one at a time and keeps the last outcome; `after` runs only on success. */
export function useAction() {
  const [result, setResult] = useState<ActionResult | null>(null);
  const [pending, startTransition] = useTransition();
  const run = (work: () => Promise<ActionResult>, after?: () => void) =>
    startTransition(async () => {
      const outcome = await work();
      setResult(outcome);
      if (outcome.ok) after?.();
    });
  return { result, pending, run };
}
