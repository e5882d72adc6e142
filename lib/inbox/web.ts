import "server-only";
import { readRawBody } from "@/lib/http/body";
import { receiveWebhook } from "./receive";

/** The intake path for a web `Request` (the Next.js route handler), answered with a web `Response`. */
export async function receiveWebRequest({
  providerName,
  request,
}: {
  providerName: string;
  request: Request;
}): Promise<Response> {
  const reply = await receiveWebhook({
    providerName,
    method: request.method,
    url: new URL(request.url),
    headers: request.headers,
    readBody: () => readRawBody(request),
    // Next.js sets X-Forwarded-For to the peer's address when the client sent none.
    remoteAddr: request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() || undefined,
  });
  return new Response(reply.body || null, { status: reply.status, headers: reply.headers });
}
