import "server-only";
import { AppError, isAppError } from "@/lib/errors";

/** Far above any real statement or report (a million bank lines is about 60 MB); a guard against runaway uploads. */
export const MAX_IMPORT_BYTES = 1024 ** 3;

export type Upload = { chunks: AsyncIterable<Uint8Array>; bytesTotal: number | null };

const tooLarge = () =>
  new AppError(
    "payload_too_large",
    `The file is over ${MAX_IMPORT_BYTES / 1024 ** 2} MiB; split it by period`,
  );

async function* readerChunks(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    // Ends the upload when the import stops early (a bad row): nothing more needs to be read.
    await reader.cancel().catch(() => {});
  }
}

/** A request's body as it arrives (never buffered whole), with its declared length when it has one. */
export function uploadOf(request: Request): Upload {
  const header = request.headers.get("content-length");
  const declared = header === null ? NaN : Number(header);
  const bytesTotal = Number.isSafeInteger(declared) && declared >= 0 ? declared : null;
  if (bytesTotal !== null && bytesTotal > MAX_IMPORT_BYTES) throw tooLarge();
  return { chunks: request.body ? readerChunks(request.body) : (async function* () {})(), bytesTotal };
}

/** Text already in memory (small files, tests) as an upload. */
export function uploadOfText(text: string): Upload {
  const bytes = Buffer.from(text, "utf8");
  return {
    chunks: (async function* () {
      yield new Uint8Array(bytes);
    })(),
    bytesTotal: bytes.byteLength,
  };
}

/**
 * Passes the upload's chunks on, telling `onChunk` of each, refusing more
 * than MAX_IMPORT_BYTES whatever the header said, and turning a connection
 * that drops mid-file into a clear error instead of a half-read file.
 */
export async function* meteredChunks(
  chunks: AsyncIterable<Uint8Array>,
  onChunk: (chunk: Uint8Array) => void,
): AsyncGenerator<Uint8Array> {
  let total = 0;
  const iterator = chunks[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await iterator.next();
      } catch (error) {
        if (isAppError(error)) throw error;
        throw new AppError("bad_request", "The upload was cut off before the whole file arrived");
      }
      if (next.done) return;
      total += next.value.byteLength;
      if (total > MAX_IMPORT_BYTES) throw tooLarge();
      onChunk(next.value);
      yield next.value;
    }
  } finally {
    await iterator.return?.();
  }
}
