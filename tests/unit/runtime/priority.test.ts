import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const priorityModule = path.resolve(import.meta.dirname, "../../../lib/runtime/priority.ts");

/** Runs `script` in a fresh Node process with lowerCpuPriority imported; returns what it printed as JSON. */
function inChild(script: string) {
  const result = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "--input-type=module",
      "-e",
      `import { lowerCpuPriority } from ${JSON.stringify(priorityModule)};\n${script}`,
    ],
    { encoding: "utf8" },
  );
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

// Reads every thread's nice value (field 19 of /proc/<pid>/task/<tid>/stat) after the call.
const niceOfEveryThread = `
import { readdirSync, readFileSync } from "node:fs";
const nices = () => readdirSync("/proc/self/task").map((tid) =>
  Number(readFileSync(\`/proc/self/task/\${tid}/stat\`, "utf8").split(") ")[1].split(" ")[16]));
`;

describe.runIf(process.platform === "linux")("lowerCpuPriority", () => {
  it("lowers every thread of the process, not only the main one", () => {
    const shown = inChild(`${niceOfEveryThread}
const before = nices();
const changed = lowerCpuPriority({ nice: 7 });
console.log(JSON.stringify({ before, after: nices(), changed }));`);
    const before = shown.before as number[];
    const after = shown.after as number[];
    expect(before.length).toBeGreaterThan(1);
    expect(before.every((nice) => nice < 7)).toBe(true);
    expect(after).toEqual(after.map(() => 7));
    expect(shown.changed).toBe(before.length);
  });

  it("threads started afterwards inherit the lower priority", () => {
    const shown = inChild(`${niceOfEveryThread}
lowerCpuPriority({ nice: 6 });
const { Worker } = await import("node:worker_threads");
const worker = new Worker("setTimeout(() => {}, 200)", { eval: true });
await new Promise((resolve) => worker.once("online", resolve));
const after = nices();
await worker.terminate();
console.log(JSON.stringify({ after }));`);
    expect(shown.after).toEqual((shown.after as number[]).map(() => 6));
  });

  it("never raises a priority that is already lower", () => {
    const shown = inChild(`${niceOfEveryThread}
lowerCpuPriority({ nice: 9 });
const changed = lowerCpuPriority({ nice: 4 });
console.log(JSON.stringify({ after: nices(), changed }));`);
    expect(shown.changed).toBe(0);
    expect(shown.after).toEqual((shown.after as number[]).map(() => 9));
  });
});
