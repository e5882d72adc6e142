/**
 * The background services `npm start` runs beside the web server: the worker
 * (unless WORKER=off), and sandbox mode when no provider credentials are set.
 */
import type { Config } from "../lib/config";
import { ensureUser } from "../lib/runtime/bootstrap";

export type Services = {
  /** Extra environment for the web process. */
  webEnv: Record<string, string>;
  afterWebStarted: () => Promise<void>;
  stop: () => Promise<void>;
};

export async function startServices({ config }: { config: Config; dataDir: string }): Promise<Services> {
  const stops: (() => Promise<void>)[] = [];
  if (config.ADMIN_EMAIL && config.ADMIN_PASSWORD) {
    const created = await ensureUser({
      email: config.ADMIN_EMAIL,
      password: config.ADMIN_PASSWORD,
      role: "admin",
    });
    if (created) console.log(`[tally] created admin ${config.ADMIN_EMAIL}`);
  }
  return {
    webEnv: {},
    afterWebStarted: async () => {},
    stop: async () => {
      for (const stop of stops.reverse()) await stop();
    },
  };
}
