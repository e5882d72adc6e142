import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { PROBE_DIR, PROBE_PRELOAD } from "./probes";

export type Env = Record<string, string | undefined>;

export const root = path.resolve(import.meta.dirname, "../../..");
const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");

export type Child = { process: ChildProcess; stop: () => Promise<void> };

function wrap(child: ChildProcess): Child {
  return {
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
        child.once("exit", () => {
          clearTimeout(force);
          resolve();
        });
        child.kill("SIGTERM");
      }),
  };
}

const quietEnv = { LOG_LEVEL: "warn", NEXT_TELEMETRY_DISABLED: "1" };
/**
 * Every server under test loads the probe (dormant until the bench opens a
 * window, see probes.ts), plus any BENCH_NODE_ARGS, e.g. "--cpu-prof".
 */
const nodeArgs = [
  ...(process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean),
  "--import",
  PROBE_PRELOAD,
];
const probeEnv = { BENCH_PROBE_DIR: PROBE_DIR };

/**
 * A TypeScript entry point in its own process, with tsx as a loader so the
 * script is this very process (a kill reaches it, not a wrapper).
 */
export function spawnScript(script: string, env: Env, args: string[] = []): Child {
  const child = spawn(
    process.execPath,
    [...nodeArgs, "--import", "tsx", "--conditions=react-server", path.join(root, script), ...args],
    {
      cwd: root,
      env: { ...process.env, ...quietEnv, ...probeEnv, ...env },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  return wrap(child);
}

/**
 * `npm start` itself (scripts/start.ts) against `env`'s DATABASE_URL: its
 * web process (a child it spawns) loads the probe through NODE_OPTIONS.
 */
export function spawnNpmStart(env: Env): Child {
  return spawnScript("scripts/start.ts", { ...env, NODE_OPTIONS: `--import=${PROBE_PRELOAD}` });
}

/** `next start` of a production build in `distDir`, the way `npm start` serves it. */
export function spawnNext(distDir: string, port: number, env: Env): Child {
  const child = spawn(
    process.execPath,
    [...nodeArgs, nextBin, "start", "-p", String(port), "-H", "127.0.0.1"],
    {
      cwd: root,
      env: {
        ...process.env,
        ...quietEnv,
        ...probeEnv,
        ...env,
        NEXT_DIST_DIR: distDir,
        NODE_ENV: "production",
        TALLY_PROCESS_NAME: "web",
      },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  return wrap(child);
}

export function hasBuild(distDir: string): boolean {
  return existsSync(path.join(root, distDir, "BUILD_ID"));
}

/** Runs a command to completion, returning its stdout. */
export function run(command: string, args: string[], env: Env = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: root,
      env: { ...process.env, ...quietEnv, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("exit", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${[command, ...args].join(" ")} exited with ${code}`)),
    );
  });
}

export function runScript(script: string, args: string[], env: Env = {}): Promise<string> {
  return run(
    process.execPath,
    [...nodeArgs, "--import", "tsx", "--conditions=react-server", path.join(root, script), ...args],
    env,
  );
}

/** Polls until `url` answers with any HTTP status. */
export async function waitForHttp(url: string, timeoutMs = 60_000, init?: RequestInit): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await (await fetch(url, init)).arrayBuffer();
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

export async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

let nextPort = 4100 + (process.pid % 500) * 4;
/** Ports for this run's servers (away from 3000 and other engineers' apps). */
export const port = () => nextPort++;
