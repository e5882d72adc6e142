import { describe, expect, it, vi } from "vitest";
import { groupCommit } from "@/lib/inbox/group-commit";

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A flush whose batches stay open until released, recording what each batch held. */
function controlledFlush(fail: (items: string[]) => boolean = () => false) {
  const batches: string[][] = [];
  const releases: (() => void)[] = [];
  let open = 0;
  let mostOpen = 0;
  const flush = (items: string[]) =>
    new Promise<string[]>((resolve, reject) => {
      batches.push(items);
      open++;
      mostOpen = Math.max(mostOpen, open);
      releases.push(() => {
        open--;
        if (fail(items)) reject(new Error(`rejected ${items.join(",")}`));
        else resolve(items.map((item) => item.toUpperCase()));
      });
    });
  const releaseAll = async () => {
    await settle();
    while (releases.length > 0) {
      releases.shift()!();
      await settle();
    }
  };
  return { flush, batches, releaseAll, mostOpen: () => mostOpen };
}

describe("groupCommit", () => {
  it("runs a lone call at once, alone", async () => {
    const { flush, batches, releaseAll } = controlledFlush();
    const store = groupCommit({ flush, maxInFlight: 2, maxItems: 10 });
    const result = store(["a"]);
    await settle();
    expect(batches).toEqual([["a"]]);
    await releaseAll();
    expect(await result).toEqual(["A"]);
  });

  it("shares one batch among the calls that arrive while the slots are busy", async () => {
    const { flush, batches, releaseAll, mostOpen } = controlledFlush();
    const store = groupCommit({ flush, maxInFlight: 2, maxItems: 10 });
    const calls = [["a"], ["b"], ["c", "d"], ["e"], ["f"]].map((items) => store(items));
    await settle();
    expect(batches).toEqual([["a"], ["b"]]);
    await releaseAll();
    expect(batches).toEqual([["a"], ["b"], ["c", "d", "e", "f"]]);
    expect(await Promise.all(calls)).toEqual([["A"], ["B"], ["C", "D"], ["E"], ["F"]]);
    expect(mostOpen()).toBe(2);
  });

  it("never puts more than maxItems in a shared batch, and never splits a call", async () => {
    const { flush, batches, releaseAll } = controlledFlush();
    const store = groupCommit({ flush, maxInFlight: 1, maxItems: 3 });
    const calls = [["a"], ["b", "c"], ["d", "e"], ["f", "g", "h", "i"]].map((items) => store(items));
    await releaseAll();
    expect(batches).toEqual([["a"], ["b", "c"], ["d", "e"], ["f", "g", "h", "i"]]);
    expect((await Promise.all(calls)).flat()).toEqual(["A", "B", "C", "D", "E", "F", "G", "H", "I"]);
  });

  it("retries each call of a failed shared batch alone, so only the bad call fails", async () => {
    const { flush, batches, releaseAll } = controlledFlush((items) => items.includes("bad"));
    const store = groupCommit({ flush, maxInFlight: 1, maxItems: 10 });
    const first = store(["a"]);
    const calls = [["b"], ["bad"], ["c"]].map((items) => store(items).catch((error: Error) => error.message));
    await releaseAll();
    expect(await first).toEqual(["A"]);
    expect(await Promise.all(calls)).toEqual([["B"], "rejected bad", ["C"]]);
    expect(batches).toEqual([["a"], ["b", "bad", "c"], ["b"], ["bad"], ["c"]]);
  });

  it("treats a flush that returns the wrong number of results as failed", async () => {
    const store = groupCommit<string, string>({
      flush: async (items) => (items.length > 1 ? ["only one"] : items),
      maxInFlight: 1,
      maxItems: 10,
    });
    const results = await Promise.all([store(["a"]), store(["b"]), store(["c"])]);
    expect(results).toEqual([["a"], ["b"], ["c"]]);
  });

  it("frees the slot of a flush that never settles, so later calls still run", async () => {
    vi.useFakeTimers();
    try {
      const flushed: string[][] = [];
      const store = groupCommit<string, string>({
        flush: (items) => {
          flushed.push(items);
          return items[0] === "stuck" ? new Promise(() => {}) : Promise.resolve(items);
        },
        maxInFlight: 1,
        maxItems: 10,
        slotTimeoutMs: 1_000,
      });
      void store(["stuck"]);
      const later = store(["later"]);
      await vi.advanceTimersByTimeAsync(999);
      expect(flushed).toEqual([["stuck"]]);
      await vi.advanceTimersByTimeAsync(1);
      expect(await later).toEqual(["later"]);
    } finally {
      vi.useRealTimers();
    }
  });
});
