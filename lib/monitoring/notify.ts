import "server-only";
import { config } from "@/lib/config";
import { log } from "@/lib/log";

const POST_TIMEOUT_MS = 5_000;

/**
 * Posts `{"text": ...}` to ALERT_WEBHOOK_URL (Slack-compatible). False when
 * unset or the post failed; the caller retries on its next evaluation. The
 * URL itself is a credential (Slack embeds a secret in it): never logged.
 */
export async function postAlert({ text }: { text: string }): Promise<boolean> {
  const url = config().ALERT_WEBHOOK_URL;
  if (!url) return false;
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text }),
      signal: AbortSignal.timeout(POST_TIMEOUT_MS),
    });
    await response.body?.cancel().catch(() => {});
    if (!response.ok) log.warn({ status: response.status }, "alert webhook refused the post");
    return response.ok;
  } catch (err) {
    log.warn({ error: (err as Error).name }, "alert webhook unreachable");
    return false;
  }
}
