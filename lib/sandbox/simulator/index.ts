import { signStripePayload } from "@/lib/providers/stripe/verify";
import { SandboxBusiness, type BusinessCounts } from "../business";
import { seededRandom } from "../random";
import type { StripeEvent } from "../stripe-api/objects";
import { DeliveryPlanner, NO_FAULTS, type Delivery, type FaultCounts, type FaultRates } from "./planner";

/**
 * Turns the sandbox business's activity into signed Stripe webhooks POSTed to
 * a Tally instance, continuously, at a steady rate, with the configured
 * faults. It only uses the public webhook route, as Stripe would.
 */

export type SimulatorOptions = {
  /** The webhook URL, e.g. http://127.0.0.1:3000/api/webhooks/stripe */
  target: string;
  secret: string;
  /** Deliveries per second; Infinity sends as fast as `concurrency` allows. */
  rate: number;
  seed?: number;
  /** The business whose activity is sent (shared with the sandbox API); a new one from `seed` when omitted. */
  business?: SandboxBusiness;
  faults?: Partial<FaultRates>;
  /** Events that already happened (e.g. a generated history), sent first, faults included. */
  backlog?: readonly StripeEvent[];
  /** Deliveries per second while the backlog lasts (default: `rate`). */
  backlogRate?: number;
  durationSeconds?: number;
  maxDeliveries?: number;
  concurrency?: number;
  /** Automatic payouts every this many seconds of traffic (a compressed "day"). */
  payoutIntervalSeconds?: number;
  /** How long a late refund or dispute webhook is held back. */
  lateSeconds?: number;
  /** Poll the target until it answers before sending (default true). */
  waitForTarget?: boolean;
  /** Clock for event `created` times, in Unix seconds. */
  now?: () => number;
};

export type DeliveryCounts = {
  sent: number;
  accepted: number;
  acknowledged_duplicates: number;
  rejected: number;
  failed: number;
  retried: number;
};

export type SimulatorStats = DeliveryCounts &
  FaultCounts &
  Pick<
    BusinessCounts,
    | "payments"
    | "failed_payments"
    | "refunds"
    | "disputes"
    | "payouts"
    | "fee_anomalies"
    | "payout_anomalies"
    | "duplicate_charges"
  >;

export type Simulator = {
  business: SandboxBusiness;
  /** When traffic started (after the target answered), in Unix seconds; null before. */
  startedAt(): number | null;
  /** Resolves once the target answered and traffic began (or the simulator stopped first). */
  ready: Promise<void>;
  stats(): SimulatorStats;
  /** Resolves when the duration or delivery budget is used up, or after stop(). */
  done: Promise<SimulatorStats>;
  stop(): Promise<SimulatorStats>;
};

const MAX_ATTEMPTS = 4;
const FORGED_SECRET = "whsec_sandbox_forged_signature_not_yours";

export function startSimulator(options: SimulatorOptions): Simulator {
  const seed = options.seed ?? Date.now() % 2 ** 31;
  const rate = options.rate;
  if (!(rate > 0)) throw new Error("rate must be a positive number of deliveries per second");
  const business = options.business ?? new SandboxBusiness({ seed });
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const concurrency = options.concurrency ?? 16;
  const payoutInterval = options.payoutIntervalSeconds ?? 30;
  const lateSlots = Number.isFinite(rate)
    ? Math.max(20, Math.round(rate * (options.lateSeconds ?? 10)))
    : 200;
  const planner = new DeliveryPlanner(
    { ...NO_FAULTS, ...options.faults },
    seededRandom(seed ^ 0x5eed),
    lateSlots,
  );
  const counts: DeliveryCounts = {
    sent: 0,
    accepted: 0,
    acknowledged_duplicates: 0,
    rejected: 0,
    failed: 0,
    retried: 0,
  };

  let stopped = false;
  let startedAt: number | null = null;
  let lastPayout = 0;
  const inFlight = new Set<Promise<void>>();
  const abort = new AbortController();

  const stats = (): SimulatorStats => ({
    ...counts,
    ...planner.counts,
    payments: business.counts.payments,
    failed_payments: business.counts.failed_payments,
    refunds: business.counts.refunds,
    disputes: business.counts.disputes,
    payouts: business.counts.payouts,
    fee_anomalies: business.counts.fee_anomalies,
    payout_anomalies: business.counts.payout_anomalies,
    duplicate_charges: business.counts.duplicate_charges,
  });

  const backlog = options.backlog ?? [];
  let backlogIndex = 0;
  const currentRate = () =>
    backlogIndex < backlog.length && options.backlogRate !== undefined ? options.backlogRate : rate;
  const nextDelivery = (): Delivery => {
    while (!planner.hasDue()) {
      if (backlogIndex < backlog.length) {
        planner.plan(backlog[backlogIndex++]!);
        continue;
      }
      const at = now();
      if (at - lastPayout >= payoutInterval) {
        lastPayout = at;
        for (const event of business.payout(at)) planner.plan(event);
      }
      for (const event of business.step(at)) planner.plan(event);
    }
    return planner.take()!;
  };

  const deliver = async (delivery: Delivery) => {
    const body = JSON.stringify(delivery.event);
    const signature = signStripePayload(body, delivery.kind === "forged" ? FORGED_SECRET : options.secret);
    counts.sent += 1;
    try {
      const response = await fetch(options.target, {
        method: "POST",
        headers: {
          "content-type": "application/json; charset=utf-8",
          "stripe-signature": signature,
          "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        },
        body,
        signal: AbortSignal.any([abort.signal, AbortSignal.timeout(30_000)]),
      });
      const text = await response.text();
      if (response.ok) {
        counts.accepted += 1;
        if (text.includes('"duplicate":true')) counts.acknowledged_duplicates += 1;
        return;
      }
      if (response.status < 500) {
        counts.rejected += 1;
        return;
      }
      counts.failed += 1;
    } catch {
      if (stopped) return;
      counts.failed += 1;
    }
    if (delivery.kind !== "forged" && delivery.attempt < MAX_ATTEMPTS && !stopped) {
      counts.retried += 1;
      planner.retry(delivery);
    }
  };

  let markReady = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const run = async (): Promise<SimulatorStats> => {
    if (options.waitForTarget !== false)
      await waitUntilAnswering(options.target, () => stopped, abort.signal);
    markReady();
    if (stopped) return stats();
    startedAt = now();
    lastPayout = startedAt;
    const started = performance.now();
    // Pacing restarts whenever the rate changes (backlog drained), so neither phase borrows from the other.
    let phaseRate = currentRate();
    let phaseStarted = started;
    let phaseSent = 0;
    while (!stopped) {
      if (
        options.durationSeconds !== undefined &&
        performance.now() - started >= options.durationSeconds * 1000
      )
        break;
      if (options.maxDeliveries !== undefined && counts.sent >= options.maxDeliveries) break;
      if (inFlight.size >= concurrency) {
        await Promise.race(inFlight);
        continue;
      }
      if (currentRate() !== phaseRate) {
        phaseRate = currentRate();
        phaseStarted = performance.now();
        phaseSent = counts.sent;
      }
      const phaseElapsedMs = performance.now() - phaseStarted;
      const sentInPhase = counts.sent - phaseSent;
      const allowed = Number.isFinite(phaseRate)
        ? Math.floor((phaseElapsedMs / 1000) * phaseRate) + 1 - sentInPhase
        : Infinity;
      if (allowed <= 0) {
        await sleep(Math.max(1, ((sentInPhase / phaseRate) * 1000 - phaseElapsedMs) | 0));
        continue;
      }
      const sending = deliver(nextDelivery()).finally(() => inFlight.delete(sending));
      inFlight.add(sending);
    }
    await Promise.all(inFlight);
    stopped = true;
    return stats();
  };

  const done = run();
  return {
    business,
    startedAt: () => startedAt,
    ready,
    stats,
    done,
    stop: async () => {
      stopped = true;
      markReady();
      abort.abort();
      return done;
    },
  };
}

async function waitUntilAnswering(target: string, stopped: () => boolean, signal: AbortSignal) {
  while (!stopped()) {
    try {
      // Any HTTP answer means the server is up; GET is answered 405 and stores nothing.
      const response = await fetch(target, {
        method: "GET",
        signal: AbortSignal.any([signal, AbortSignal.timeout(5_000)]),
      });
      await response.body?.cancel();
      return;
    } catch {
      await sleep(1_000);
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
