import type { WebhookReply } from "./types";

/** A JSON webhook reply, as `Response.json` would send it. */
export function jsonReply(
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): WebhookReply {
  return { status, headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(value) };
}
