import "server-only";
import { MAX_WEBHOOK_BYTES, payloadTooLarge, readRawBody } from "@/lib/http/body";
import { receiveWebhook } from "./receive";

/**
 * The body of a delivery that declares its length (every provider's does)
 * in one read: HTTP framing stops the body at the declared length, so the
 * limit holds without reading chunk by chunk, which in Next.js costs a
 * promise and a stream read per chunk. Anything else streams with the limit.
 */
async function readBody(request: Request): Promise<Buffer> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (!Number.isInteger(declared) || declared < 0 || declared > MAX_WEBHOOK_BYTES)
    return readRawBody(request);
  const body = Buffer.from(await request.arrayBuffer());
  // A Request built in-process is not framed by HTTP and may hold more than it declares.
  if (body.length > MAX_WEBHOOK_BYTES) throw payloadTooLarge(MAX_WEBHOOK_BYTES);
  return body;
}

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
    readBody: () => readBody(request),
    // Next.js sets X-Forwarded-For to the peer's address when the client sent none.
    remoteAddr: request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() || undefined,
  });
  return new Response(reply.body || null, { status: reply.status, headers: reply.headers });
}
