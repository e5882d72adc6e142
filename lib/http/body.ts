import { AppError } from "@/lib/errors";

export const MAX_WEBHOOK_BYTES = 1024 * 1024;

export const payloadTooLarge = (limit: number) =>
  new AppError("payload_too_large", `Body exceeds ${limit} bytes`);

/**
 * Reads the raw request body once, refusing anything over `limit` bytes
 * without buffering it (a declared Content-Length is checked first).
 */
export async function readRawBody(request: Request, limit = MAX_WEBHOOK_BYTES): Promise<Buffer> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) {
    throw payloadTooLarge(limit);
  }
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw payloadTooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}
