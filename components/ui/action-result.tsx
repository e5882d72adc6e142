import { Alert } from "./alert";

/** What a dashboard server action answers: an optional message, or an error worded for users. */
export type ActionResult = { ok: true; message?: string } | { ok: false; error: string };

export function ResultAlert({ result }: { result: ActionResult | null }) {
  if (!result) return null;
  return <Alert tone={result.ok ? "success" : "error"}>{result.ok ? result.message : result.error}</Alert>;
}
