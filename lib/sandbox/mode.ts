import { persistentSecret } from "@/lib/runtime/data-dir";
import { ensureUser } from "@/lib/runtime/bootstrap";
import { generateBusiness } from "./business";
import { enqueueSandboxReconciliation } from "./kickoff";
import { startSimulator, type Simulator } from "./simulator";
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
const RATE_PER_SECOND = 25;
const KICKOFF_DELAY_MS = 40_000;

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
  const business = generateBusiness({
    seed,
    from: historyFrom,
    to: startedAt,
    activityPerDay: HISTORY_ACTIVITY_PER_DAY,
    payoutIntervalSeconds: PAYOUT_INTERVAL_SECONDS,
    anomalies: { fee: 0.02, payout: 0.25, duplicateCharge: 0.01 },
  });
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
  log(
    `sandbox mode: Stripe API at ${api.url}; ${created ? "created" : "using"} demo admin ${SANDBOX_DEMO_EMAIL}`,
  );

  let simulator: Simulator | undefined;
  let kickoff: NodeJS.Timeout | undefined;

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
        rate: RATE_PER_SECOND,
        seed,
        business,
        backlog: [...business.store.events],
        faults: SANDBOX_FAULTS,
        payoutIntervalSeconds: PAYOUT_INTERVAL_SECONDS,
        concurrency: 8,
      });
      kickoff = setTimeout(() => {
        const to = new Date();
        enqueueSandboxReconciliation({ from: new Date(historyFrom * 1000), to })
          .then((queued) =>
            log(
              queued
                ? `sandbox: reconciliation queued for ${new Date(historyFrom * 1000).toISOString()} – ${to.toISOString()}`
                : "sandbox: reconciliation is not available in this build; no run queued",
            ),
          )
          .catch((error: unknown) =>
            log(`sandbox: could not queue reconciliation: ${(error as Error).message}`),
          );
      }, KICKOFF_DELAY_MS);
      kickoff.unref();
    },
    async stop() {
      if (kickoff) clearTimeout(kickoff);
      if (simulator) {
        const stats = await simulator.stop();
        log(
          `sandbox: sent ${stats.sent} webhooks (${stats.dropped} dropped, ${stats.duplicates} duplicated, ${stats.bad_signatures} forged, ${stats.poison} poison)`,
        );
      }
      await api.stop();
    },
  };
}
