import "server-only";

type Waiting<Item, Result> = {
  items: Item[];
  resolve: (result: Result[]) => void;
  reject: (error: unknown) => void;
};

/**
 * Coalesces concurrent calls into shared batches without ever waiting on a
 * timer: a call runs at once while fewer than `maxInFlight` batches are in
 * flight, and otherwise joins the queue that the next free slot flushes as
 * one batch. Idle traffic pays nothing; under load, one statement and one
 * commit serve every call that arrived while the previous ones ran.
 *
 * `flush` returns one result per item, in order. When a shared batch fails,
 * each call in it is retried alone, so one bad call cannot fail the others.
 */
export function groupCommit<Item, Result>({
  flush,
  maxInFlight,
  maxItems,
  slotTimeoutMs = 2_000,
}: {
  flush: (items: Item[]) => Promise<Result[]>;
  maxInFlight: number;
  maxItems: number;
  /** After this long a flush that has not settled stops counting against maxInFlight. */
  slotTimeoutMs?: number;
}): (items: Item[]) => Promise<Result[]> {
  const queue: Waiting<Item, Result>[] = [];
  let inFlight = 0;

  const takeBatch = (): Waiting<Item, Result>[] => {
    const batch: Waiting<Item, Result>[] = [];
    let size = 0;
    while (queue.length > 0) {
      const next = queue[0]!;
      if (batch.length > 0 && size + next.items.length > maxItems) break;
      batch.push(queue.shift()!);
      size += next.items.length;
    }
    return batch;
  };

  const runAlone = (call: Waiting<Item, Result>) =>
    Promise.resolve()
      .then(() => flush(call.items))
      .then(call.resolve, call.reject);

  const runBatch = async (batch: Waiting<Item, Result>[]) => {
    if (batch.length === 1) return runAlone(batch[0]!);
    let results: Result[];
    try {
      results = await flush(batch.flatMap((call) => call.items));
      if (results.length !== batch.reduce((size, call) => size + call.items.length, 0))
        throw new Error("a batch flush must return one result per item");
    } catch {
      await Promise.all(batch.map(runAlone));
      return;
    }
    let offset = 0;
    for (const call of batch) {
      call.resolve(results.slice(offset, offset + call.items.length));
      offset += call.items.length;
    }
  };

  const pump = () => {
    while (inFlight < maxInFlight && queue.length > 0) {
      const batch = takeBatch();
      inFlight++;
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        clearTimeout(timer);
        inFlight--;
        pump();
      };
      // A flush stuck on a dead connection must not hold its slot for ever: the
      // calls in it keep waiting (their own deadline answers them), later ones go on.
      const timer = setTimeout(release, slotTimeoutMs);
      timer.unref?.();
      void runBatch(batch).finally(release);
    }
  };

  return (items) =>
    new Promise<Result[]>((resolve, reject) => {
      queue.push({ items, resolve, reject });
      pump();
    });
}
