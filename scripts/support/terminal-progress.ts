/**
 * One progress line for a long-running command: redrawn in place (about ten
 * times a second) on a terminal, and printed as a plain line every
 * `intervalMs` when the output is a file or a pipe, so logs stay readable.
 *
 *   const progress = terminalProgress({ label: "simulate", total: 3000, unit: "sent" });
 *   progress.update(sent, "faults 12");   // as often as you like
 *   progress.log("something happened");   // a line of its own, the progress line kept below it
 *   progress.finish(sent, "stopped");
 */

export type ProgressStream = Pick<NodeJS.WriteStream, "write"> & { isTTY?: boolean; columns?: number };

export type TerminalProgress = {
  /** `done` so far; `details` is appended (e.g. "accepted 990, faults 12"). */
  update: (done: number, details?: string) => void;
  log: (line: string) => void;
  /** The last line, always printed, with the average rate over the whole run; no updates after it. */
  finish: (done: number, details?: string) => void;
};

const TTY_REDRAW_MS = 100;
/** The rate is measured over this much recent time, so it follows changes instead of averaging them away. */
const RATE_WINDOW_MS = 5_000;
const CLEAR_LINE = "\x1b[K";

const count = (value: number) => Math.round(value).toLocaleString("en");

export function formatElapsed(ms: number): string {
  const total = Math.floor(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const secs = String(total % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${secs}` : `${minutes}:${secs}`;
}

export function terminalProgress({
  label,
  total = null,
  unit = "",
  stream = process.stderr,
  intervalMs = 5_000,
  now = () => Date.now(),
}: {
  label: string;
  /** Null when the amount of work is not known in advance. */
  total?: number | null;
  unit?: string;
  stream?: ProgressStream;
  /** How often a plain line is printed when the output is not a terminal. */
  intervalMs?: number;
  now?: () => number;
}): TerminalProgress {
  const tty = Boolean(stream.isTTY);
  const started = now();
  const samples: { at: number; done: number }[] = [{ at: started, done: 0 }];
  let lastDrawn = -Infinity;
  let current = "";
  let finished = false;

  const render = (done: number, details: string | undefined, overall: boolean) => {
    const at = now();
    samples.push({ at, done });
    while (samples.length > 2 && samples[1]!.at <= at - RATE_WINDOW_MS) samples.shift();
    const oldest = overall ? { at: started, done: 0 } : samples[0]!;
    const rate = at > oldest.at ? ((done - oldest.done) * 1000) / (at - oldest.at) : 0;
    const amount =
      total === null
        ? `${count(done)}${unit ? ` ${unit}` : ""}`
        : `${count(done)}/${count(total)}${unit ? ` ${unit}` : ""} (${Math.min(100, Math.floor((done / Math.max(total, 1)) * 100))}%)`;
    const parts = [amount, `${rate.toFixed(rate >= 100 ? 0 : 1)}/s`, formatElapsed(at - started)];
    if (details) parts.push(details);
    return `${label}: ${parts.join(" · ")}`;
  };

  // A line wider than the terminal wraps, and \r would then redraw only its last row.
  const fit = (line: string) => (tty && stream.columns ? line.slice(0, stream.columns - 1) : line);
  const draw = (line: string) => {
    current = fit(line);
    stream.write(tty ? `\r${current}${CLEAR_LINE}` : `${line}\n`);
  };

  return {
    update(done, details) {
      if (finished) return;
      const at = now();
      // Always sampled for the rate, drawn only as often as the medium deserves.
      const line = render(done, details, false);
      if (at - lastDrawn < (tty ? TTY_REDRAW_MS : intervalMs)) return;
      lastDrawn = at;
      draw(line);
    },
    log(line) {
      if (tty && current) stream.write(`\r${CLEAR_LINE}${line}\n${current}`);
      else stream.write(`${line}\n`);
    },
    finish(done, details) {
      if (finished) return;
      finished = true;
      const line = render(done, details, true);
      stream.write(tty ? `\r${fit(line)}${CLEAR_LINE}\n` : `${line}\n`);
    },
  };
}
