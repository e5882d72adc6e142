import { describe, expect, it } from "vitest";
import { formatElapsed, terminalProgress } from "@/scripts/support/terminal-progress";

function fakeStream(isTTY: boolean, columns?: number) {
  const writes: string[] = [];
  return { stream: { isTTY, columns, write: (text: string) => writes.push(text) > 0 }, writes };
}

describe("terminalProgress", () => {
  it("redraws one line in place on a terminal, at most ten times a second, ending it on finish", () => {
    let clock = 0;
    const { stream, writes } = fakeStream(true);
    const progress = terminalProgress({
      label: "simulate",
      total: 200,
      unit: "sent",
      stream,
      now: () => clock,
    });
    for (let sent = 1; sent <= 100; sent++) {
      clock += 10; // 100 updates over one second
      progress.update(sent, "faults 3");
    }
    expect(writes.length).toBe(10);
    for (const write of writes) expect(write).toMatch(/^\r.*\x1b\[K$/);
    expect(writes.join("")).not.toContain("\n");
    expect(writes.at(-1)).toBe("\rsimulate: 91/200 sent (45%) · 100/s · 0:00 · faults 3\x1b[K");

    clock = 2000;
    progress.finish(200, "stopped");
    expect(writes.at(-1)).toBe("\rsimulate: 200/200 sent (100%) · 100/s · 0:02 · stopped\x1b[K\n");
    progress.update(201);
    expect(writes.at(-1)).toContain("200/200");
  });

  it("prints plain lines at the interval when the output is a file or a pipe", () => {
    let clock = 0;
    const { stream, writes } = fakeStream(false);
    const progress = terminalProgress({ label: "bench", stream, intervalMs: 5000, now: () => clock });
    for (let step = 1; step <= 120; step++) {
      clock = step * 100;
      progress.update(step * 10);
    }
    // 12 s of updates: a line at 0.1 s, 5.1 s and 10.1 s, each a whole line, no terminal codes.
    expect(writes).toEqual([
      "bench: 10 · 100/s · 0:00\n",
      "bench: 510 · 100/s · 0:05\n",
      "bench: 1,010 · 100/s · 0:10\n",
    ]);
  });

  it("measures the rate over the last few seconds, so a slowdown shows", () => {
    let clock = 0;
    const { stream, writes } = fakeStream(false);
    const progress = terminalProgress({ label: "x", stream, intervalMs: 1000, now: () => clock });
    let done = 0;
    for (let second = 1; second <= 20; second++) {
      done += second <= 10 ? 100 : 10;
      clock = second * 1000;
      progress.update(done);
    }
    expect(writes.at(-1)).toBe("x: 1,100 · 10.0/s · 0:20\n");
  });

  it("keeps a logged line above the progress line on a terminal", () => {
    let clock = 0;
    const { stream, writes } = fakeStream(true);
    const progress = terminalProgress({ label: "x", stream, now: () => clock });
    clock = 500;
    progress.update(5);
    progress.log("target answered");
    expect(writes.at(-1)).toBe("\r\x1b[Ktarget answered\nx: 5 · 10.0/s · 0:00");
  });

  it("cuts the line to the terminal's width so redrawing in place still works", () => {
    const { stream, writes } = fakeStream(true, 20);
    const progress = terminalProgress({ label: "simulate", total: 10, stream, now: () => 1000 });
    progress.update(1, "a very long description of everything");
    expect(writes[0]).toBe("\rsimulate: 1/10 (10%\x1b[K");
  });

  it("formats elapsed time as m:ss, or h:mm:ss past an hour", () => {
    expect(formatElapsed(65_000)).toBe("1:05");
    expect(formatElapsed(3_725_000)).toBe("1:02:05");
  });
});
