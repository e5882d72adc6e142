/**
 * `npm run simulate -- --rate 50 --target URL [--secret whsec_…] [--duration 60]`
 * Drives any Tally instance with signed Stripe webhooks from a generated
 * business, with faults. `--api-port` also serves that business as a local
 * Stripe API, so the target can reconcile against it (point its
 * STRIPE_API_BASE there). Shows its progress on stderr (in place on a
 * terminal, a line every 5 s otherwise) and prints the final counts of what
 * was sent and injected as JSON on stdout.
 */
import { parseArgs } from "node:util";
import { setting } from "../lib/config";
import { generateBusiness } from "../lib/sandbox/business";
import { startSimulator, type SimulatorStats } from "../lib/sandbox/simulator";
import { NO_FAULTS, SANDBOX_FAULTS, type FaultRates } from "../lib/sandbox/simulator/planner";
import { startStripeApiServer } from "../lib/sandbox/stripe-api/server";
import { terminalProgress } from "./support/terminal-progress";

const FAULT_FLAGS: Record<string, keyof FaultRates> = {
  duplicate: "duplicate",
  "out-of-order": "outOfOrder",
  drop: "drop",
  "bad-signature": "badSignature",
  "amount-drift": "amountDrift",
  late: "late",
  poison: "poison",
};

const usage = `Usage: npm run simulate -- --target URL [--rate 50] [--secret whsec_…] [--duration 60]
  [--seed N] [--faults sandbox|none] [--duplicate P] [--out-of-order P] [--drop P]
  [--bad-signature P] [--amount-drift P] [--late P] [--poison P]
  [--history-minutes M] [--api-port PORT] [--api-key sk_test_…] [--concurrency N]`;

/** Outcomes so far, and the faults injected among them. */
function describe(stats: SimulatorStats): string {
  const faults = {
    dup: stats.duplicates,
    reordered: stats.reordered,
    dropped: stats.dropped,
    late: stats.late,
    drift: stats.drifted,
    "bad sig": stats.bad_signatures,
    poison: stats.poison,
  };
  const injected = Object.values(faults).reduce((sum, value) => sum + value, 0);
  const breakdown = Object.entries(faults)
    .filter(([, value]) => value > 0)
    .map(([name, value]) => `${value} ${name}`)
    .join(", ");
  return `accepted ${stats.accepted}, rejected ${stats.rejected}, failed ${stats.failed} · faults ${injected}${breakdown ? ` (${breakdown})` : ""}`;
}

function fail(message: string): never {
  console.error(`simulate: ${message}\n${usage}`);
  process.exit(1);
}

function probability(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!(value >= 0 && value <= 1)) fail(`--${name} must be a probability between 0 and 1`);
  return value;
}

function positive(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!(value > 0)) fail(`--${name} must be a positive number`);
  return value;
}

async function main() {
  const { values } = parseArgs({
    options: {
      target: { type: "string" },
      rate: { type: "string", default: "50" },
      secret: { type: "string" },
      duration: { type: "string" },
      seed: { type: "string" },
      faults: { type: "string", default: "sandbox" },
      "history-minutes": { type: "string", default: "0" },
      "api-port": { type: "string" },
      "api-key": { type: "string", default: "sk_test_sandbox_simulator" },
      concurrency: { type: "string", default: "16" },
      help: { type: "boolean" },
      ...Object.fromEntries(Object.keys(FAULT_FLAGS).map((flag) => [flag, { type: "string" as const }])),
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const target = values.target ?? fail("--target is required");
  const secret = values.secret ?? setting("STRIPE_WEBHOOK_SECRET")?.[0];
  if (!secret) fail("--secret (or STRIPE_WEBHOOK_SECRET) is required");
  const rate = positive("rate", values.rate)!;
  const duration = positive("duration", values.duration);
  const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
  if (values.faults !== "sandbox" && values.faults !== "none") fail("--faults must be sandbox or none");
  const faults: FaultRates = { ...(values.faults === "sandbox" ? SANDBOX_FAULTS : NO_FAULTS) };
  for (const [flag, key] of Object.entries(FAULT_FLAGS)) {
    const value = probability(flag, (values as unknown as Record<string, string | undefined>)[flag]);
    if (value !== undefined) faults[key] = value;
  }

  const now = Math.floor(Date.now() / 1000);
  const historyMinutes = Number(values["history-minutes"]);
  const business = generateBusiness({
    seed,
    from: now - historyMinutes * 60,
    to: now,
    activityPerDay: 6 * 60 * 24,
    payoutIntervalSeconds: 10 * 60,
    anomalies: values.faults === "sandbox" ? { fee: 0.02, payout: 0.25, duplicateCharge: 0.01 } : {},
  });
  const api = values["api-port"]
    ? await startStripeApiServer({
        store: business.store,
        port: Number(values["api-port"]),
        apiKey: values["api-key"],
      })
    : undefined;
  if (api) console.log(`simulate: Stripe API at ${api.url} (key ${values["api-key"]})`);

  const simulator = startSimulator({
    target,
    secret,
    rate,
    seed,
    business,
    backlog: [...business.store.events],
    faults,
    durationSeconds: duration,
    concurrency: positive("concurrency", values.concurrency),
  });
  console.log(
    `simulate: sending to ${target} at ${rate}/s (seed ${seed})${duration ? ` for ${duration}s` : ""}`,
  );

  const progress = terminalProgress({
    label: "simulate",
    total: duration ? Math.round(rate * duration) : null,
    unit: "sent",
  });
  const ticker = setInterval(() => {
    const stats = simulator.stats();
    progress.update(stats.sent, describe(stats));
  }, 100);
  const finish = async () => {
    clearInterval(ticker);
    const stats = await simulator.stop();
    progress.finish(stats.sent, describe(stats));
    await api?.stop();
    console.log(JSON.stringify(stats, null, 2));
    process.exit(0);
  };
  process.on("SIGINT", () => void finish());
  process.on("SIGTERM", () => void finish());
  await simulator.done;
  await finish();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
