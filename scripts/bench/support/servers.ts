import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Context } from "./context";
import { childrenOf, selfCpuMs, treeCpuMs } from "./cpu";
import type { Observed } from "./observe";
import {
  port,
  spawnNext,
  spawnNpmStart,
  spawnScript,
  waitForHttp,
  waitUntil,
  type Child,
  type Env,
} from "./processes";

/** A running setup: where it takes webhooks, how to watch it, how to stop it. */
export type Setup = Observed & { webhookUrl: string; origin: string; stop: () => Promise<void> };

const tree = (child: Child) => () => treeCpuMs(child.process.pid!);
const pids = (children: Child[]) => () => children.map((child) => child.process.pid!);

/** `scripts/bench/bare-server.ts`: the least a correct receiver does. */
export async function startBare(env: Env): Promise<Setup> {
  const listen = port();
  const child = spawnScript("scripts/bench/bare-server.ts", { ...env, BARE_PORT: String(listen) });
  const origin = `http://127.0.0.1:${listen}`;
  await waitForHttp(`${origin}/`, 60_000);
  return {
    webhookUrl: `${origin}/`,
    origin,
    cpu: { web: tree(child) },
    probes: { web: pids([child]) },
    stop: child.stop,
  };
}

/** `next start` of the production build: webhooks through the Next.js route handler. */
export async function startNextRoute(context: Context, env: Env): Promise<Setup> {
  const listen = port();
  const child = spawnNext(context.distDir, listen, env);
  const origin = `http://127.0.0.1:${listen}`;
  await waitForHttp(`${origin}/api/webhooks/none`, 120_000);
  return {
    webhookUrl: `${origin}/api/webhooks/stripe`,
    origin,
    cpu: { web: tree(child) },
    probes: { web: pids([child]) },
    stop: child.stop,
  };
}

/** `npm run receiver`. */
export async function startReceiver(env: Env): Promise<Setup> {
  const listen = port();
  const child = spawnScript("scripts/receiver.ts", { ...env, RECEIVER_PORT: String(listen) });
  const origin = `http://127.0.0.1:${listen}`;
  await waitForHttp(`${origin}/`, 60_000);
  return {
    webhookUrl: `${origin}/api/webhooks/stripe`,
    origin,
    cpu: { web: tree(child) },
    probes: { web: pids([child]) },
    stop: child.stop,
  };
}

/**
 * `npm start` itself (scripts/start.ts, its web process and, unless
 * `worker` is false, the worker inside its main process), on the bench's
 * database. CPU groups: "web" (the web process) and "worker" (the main
 * process alone: the worker, or next to nothing with WORKER=off).
 */
export async function startNpmStart(
  context: Context,
  env: Env,
  { worker }: { worker: boolean },
): Promise<Setup> {
  const listen = port();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "tally-bench-start-"));
  const main = spawnNpmStart({
    ...env,
    PORT: String(listen),
    DATA_DIR: dataDir,
    NEXT_DIST_DIR: context.distDir,
    WORKER: worker ? "on" : "off",
  });
  const origin = `http://127.0.0.1:${listen}`;
  await waitForHttp(`${origin}/api/health`, 180_000);
  const isWeb = (pid: number) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("web-server.ts");
    } catch {
      return false;
    }
  };
  let web = 0;
  await waitUntil(async () => (web = childrenOf(main.process.pid!).find(isWeb) ?? 0) > 0, 10_000);
  if (!web) throw new Error("npm start: no web process found");
  const mainPid = main.process.pid!;
  return {
    webhookUrl: `${origin}/api/webhooks/stripe`,
    origin,
    cpu: { web: () => treeCpuMs(web), worker: () => selfCpuMs(mainPid) },
    probes: { web: () => [web], worker: () => [mainPid] },
    async stop() {
      await main.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Adds `count` `npm run worker` processes to a setup, as their own CPU group "workers". */
export function withWorkers(setup: Setup, env: Env, count: number): Setup {
  if (count === 0) return setup;
  const workers = Array.from({ length: count }, () => spawnScript("scripts/worker.ts", env));
  const workerCpu = () => workers.reduce((sum, child) => sum + treeCpuMs(child.process.pid!), 0);
  const previous = setup.cpu.worker;
  return {
    ...setup,
    cpu: { ...setup.cpu, worker: () => (previous?.() ?? 0) + workerCpu() },
    probes: {
      ...setup.probes,
      worker: () => [...(setup.probes.worker?.() ?? []), ...pids(workers)()],
    },
    async stop() {
      await Promise.all(workers.map((child) => child.stop()));
      await setup.stop();
    },
  };
}
