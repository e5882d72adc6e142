import type { ActionResult } from "@/components/ui/action-result";

export type ImportEndpoint = "bank-statement" | "adyen-report";

function describe(kind: ImportEndpoint, body: Record<string, unknown>): string {
  const covers = `covering ${String(body.covers_from)} to ${String(body.covers_to)}`;
  return kind === "bank-statement"
    ? `Imported ${String(body.deposits)} deposits ${covers}. The next settlement run checks them.`
    : `Imported ${String(body.lines)} lines ${covers}. Adyen runs for that period now read them.`;
}

/**
 * Sends the file itself as the request body: the browser streams it from
 * disk and the server imports it as it arrives, so no size is too large to
 * hold in either's memory.
 */
export async function uploadCsv(
  kind: ImportEndpoint,
  file: File,
  params: Record<string, string> = {},
): Promise<ActionResult> {
  const query = new URLSearchParams(Object.entries(params).filter(([, value]) => value !== ""));
  try {
    const response = await fetch(`/api/imports/${kind}${query.size ? `?${query}` : ""}`, {
      method: "POST",
      body: file,
      headers: { "content-type": "text/csv" },
    });
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok)
      return { ok: false, error: String(body.error ?? `The import failed (HTTP ${response.status})`) };
    return { ok: true, message: describe(kind, body) };
  } catch {
    return { ok: false, error: "The upload did not reach Tally; check the connection and try again." };
  }
}
