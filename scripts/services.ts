/**
 * The background services `npm start` runs beside the web server: the worker
 * (unless WORKER=off), and sandbox mode when no provider credentials are set.
 */
import { hasProviderCredentials, type Config } from "../lib/config";
import { ensureUser } from "../lib/auth/users";

export type Services = {
  /** Extra environment for the web process. */
  webEnv: Record<string, string>;
  afterWebStarted: () => Promise<void>;
  stop: () => Promise<void>;
};

export async function startServices({
  config,
  dataDir,
}: {
  config: Config;
  dataDir: string;
}): Promise<Services> {
  const stops: (() => Promise<void>)[] = [];
  const webEnv: Record<string, string> = {};
  const afterWeb: (() => Promise<void>)[] = [];
  // Sandbox first: it sets the STRIPE_* variables everything started after it reads.
  if (config.SIMULATE ?? !hasProviderCredentials(config)) {
    const { startSandboxMode } = await import("../lib/sandbox/mode");
    const sandbox = await startSandboxMode({ dataDir, webPort: config.PORT });
    Object.assign(webEnv, sandbox.env);
    afterWeb.push(sandbox.afterWebStarted);
    stops.push(sandbox.stop);
  }
  if (config.ADMIN_EMAIL && config.ADMIN_PASSWORD) {
    const created = await ensureUser({
      email: config.ADMIN_EMAIL,
      password: config.ADMIN_PASSWORD,
      role: "admin",
    });
    if (created) console.log(`[tally] created admin ${config.ADMIN_EMAIL}`);
  }
  if (config.WORKER !== "off") {
    const { startWorker } = await import("../lib/processing/worker");
    const { periodicJobs } = await import("./jobs");
    const worker = await startWorker({ jobs: periodicJobs() });
    console.log(`[tally] worker ${worker.id} running`);
    // Stopped first (stops run in reverse), before the sandbox and the database go.
    stops.push(worker.stop);
  }
  return {
    webEnv,
    afterWebStarted: async () => {
      for (const start of afterWeb) await start();
    },
    stop: async () => {
      for (const stop of stops.reverse()) await stop();
    },
  };
}
