import { terminalProgress } from "../../support/terminal-progress";

/** A bench section's progress: the step it is on, steps done of its total, elapsed time. */
export type Progress = {
  step: (name: string) => void;
  tick: (n?: number) => void;
  done: () => void;
};

/** Steps on the shared terminal progress line; each new step also gets a line of its own in the log. */
export function sectionProgress(label: string, total: number): Progress {
  const line = terminalProgress({ label, total, unit: "steps" });
  let done = 0;
  let current = "";
  let finished = false;
  return {
    step(name) {
      current = name;
      line.log(`[${label}] ${name}`);
      line.update(done, current);
    },
    tick(n = 1) {
      done += n;
      line.update(done, current);
    },
    done() {
      if (finished) return;
      finished = true;
      line.finish(done, "done");
    },
  };
}
