import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { startEmbeddedPostgres } from "@/db/embedded";
import { runMigrations } from "@/db/migrate";
import { signedDelivery, stripeEvent, TEST_STRIPE_SECRET } from "../fixtures/stripe";

export const root = path.resolve(import.meta.dirname, "../..");

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out; last value ${JSON.stringify(value)}`);
    await sleep(200);
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * A real PostgreSQL on its own data dir and a fixed port, which a test can
 * SIGKILL (the postmaster, as a crash or an OOM kill would) and start again on
 * the same data: PostgreSQL then runs crash recovery from its WAL.
 */
export async function chaosDatabase(name: string) {
  const dataDir = path.join(os.tmpdir(), `tally-chaos-${name}-${process.pid}`);
  rmSync(dataDir, { recursive: true, force: true });
  const port = await freePort();
  let server = await startEmbeddedPostgres({ dataDir, port });
  await runMigrations(server.url, path.join(root, "drizzle"));
  const url = server.url;
  const postmasterPid = () =>
    Number(readFileSync(path.join(dataDir, "postgres", "postmaster.pid"), "utf8").split("\n")[0]);
  let running = true;
  return {
    url,
    async kill() {
      const pid = postmasterPid();
      process.kill(pid, "SIGKILL");
      running = false;
      await waitFor(
        async () => alive(pid),
        (up) => !up,
        30_000,
      );
    },
    async stop() {
      if (running) await server.stop();
      running = false;
    },
    async start() {
      // Orphaned backends of a killed postmaster exit on their own; until they do, the start is refused.
      for (let attempt = 0; ; attempt++) {
        try {
          server = await startEmbeddedPostgres({ dataDir, port });
          running = true;
          return;
        } catch (error) {
          if (attempt >= 40) throw error;
          await sleep(500);
        }
      }
    },
    async destroy() {
      if (running) await server.stop().catch(() => {});
      running = false;
      rmSync(dataDir, { recursive: true, force: true });
    },
    /** A short-lived connection for assertions. */
    async query<T>(fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
      const sql = postgres(url, { max: 1, onnotice: () => {} });
      try {
        return await fn(sql);
      } finally {
        await sql.end({ timeout: 1 });
      }
    },
  };
}
export type ChaosDatabase = Awaited<ReturnType<typeof chaosDatabase>>;

const baseEnv = (databaseUrl: string) => ({
  ...process.env,
  DATABASE_URL: databaseUrl,
  STRIPE_WEBHOOK_SECRET: TEST_STRIPE_SECRET,
  SIMULATE: "0",
  LOG_LEVEL: "silent",
  NEXT_TELEMETRY_DISABLED: "1",
});

/**
 * A TypeScript entry point as its own process, tsx as a loader, so that a
 * SIGKILL reaches the process doing the work and not a wrapper.
 */
export function spawnScript(script: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", path.join(root, script)], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

export async function kill9(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

export async function waitForHttp(url: string, timeoutMs = 90_000): Promise<void> {
  await waitFor(
    () =>
      fetch(url, { signal: AbortSignal.timeout(5_000) }).then(
        async (response) => (await response.arrayBuffer(), true),
        () => false,
      ),
    (up) => up,
    timeoutMs,
  );
}

/** `npm run receiver` on a free port, ready to serve. */
export async function startReceiver(databaseUrl: string, port?: number) {
  const listenOn = port ?? (await freePort());
  const child = spawnScript("scripts/receiver.ts", {
    ...baseEnv(databaseUrl),
    RECEIVER_PORT: String(listenOn),
  } as Record<string, string>);
  await waitForHttp(`http://127.0.0.1:${listenOn}/`);
  return { child, port: listenOn, webhookUrl: `http://127.0.0.1:${listenOn}/api/webhooks/stripe` };
}

/** `npm run worker`, as its own process, once its first heartbeat is in. */
export async function startWorkerProcess(database: ChaosDatabase): Promise<ChildProcess> {
  const child = spawnScript("scripts/worker.ts", baseEnv(database.url) as Record<string, string>);
  await waitFor(
    () =>
      database.query(
        (sql) =>
          sql<{ n: number }[]>`select count(*)::int as n from worker_heartbeats where pid = ${child.pid!}`,
      ),
    ([row]) => row!.n === 1 || child.exitCode !== null,
    90_000,
  );
  if (child.exitCode !== null) throw new Error(`worker exited with ${child.exitCode}`);
  return child;
}

/** The production build CI makes for e2e (or CHAOS_NEXT_DIST_DIR); null when there is none. */
export function nextBuild(): string | null {
  const distDir = process.env.CHAOS_NEXT_DIST_DIR ?? ".next-e2e";
  return existsSync(path.join(root, distDir, "BUILD_ID")) ? distDir : null;
}

/**
 * `npm start`'s web process (scripts/web-server.ts) on an existing production
 * build: webhooks on its node:http fast path, everything else through Next.js.
 */
export async function startWebProcess(databaseUrl: string, distDir: string, port?: number) {
  const listenOn = port ?? (await freePort());
  const child = spawnScript("scripts/web-server.ts", {
    ...baseEnv(databaseUrl),
    PORT: String(listenOn),
    NEXT_DIST_DIR: distDir,
    NODE_ENV: "production",
    AUTH_SECRET: "chaos-auth-secret-0123456789",
  } as Record<string, string>);
  await waitForHttp(`http://127.0.0.1:${listenOn}/api/webhooks/none`);
  return { child, port: listenOn, webhookUrl: `http://127.0.0.1:${listenOn}/api/webhooks/stripe` };
}

/** `next start` of an existing production build: webhooks through the Next.js route handler. */
export async function startNext(databaseUrl: string, distDir: string) {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [path.join(root, "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"],
    {
      cwd: root,
      env: {
        ...baseEnv(databaseUrl),
        NEXT_DIST_DIR: distDir,
        NODE_ENV: "production",
        AUTH_SECRET: "chaos-auth-secret-0123456789",
      },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  await waitForHttp(`http://127.0.0.1:${port}/api/webhooks/none`);
  return {
    child,
    port,
    webhookUrl: `http://127.0.0.1:${port}/api/webhooks/stripe`,
    base: `http://127.0.0.1:${port}`,
  };
}

let sequence = 0;
/** A unique, correctly signed Stripe delivery (one payment intent each). */
export function delivery(prefix: string) {
  sequence += 1;
  const id = `evt_${prefix}_${sequence}`;
  const event = stripeEvent({
    id,
    object: {
      id: `pi_${prefix}_${sequence}`,
      object: "payment_intent",
      amount: 1000 + sequence,
      amount_received: 1000 + sequence,
      currency: "eur",
      status: "succeeded",
      created: Math.floor(Date.now() / 1000),
    },
  });
  return { id, ...signedDelivery(event) };
}

export type Delivery = ReturnType<typeof delivery>;

/** POSTs a delivery; 0 when the connection failed or timed out (no reply is no acknowledgement). */
export async function send(
  url: string,
  item: { body: string; headers: Record<string, string> },
): Promise<number> {
  try {
    const response = await fetch(url, {
      method: "POST",
      body: item.body,
      headers: item.headers,
      signal: AbortSignal.timeout(15_000),
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}
