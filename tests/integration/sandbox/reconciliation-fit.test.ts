import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processQueuedRuns } from "@/lib/reconciliation/execute";
import { generateBusiness, type SandboxBusiness } from "@/lib/sandbox/business";
import { enqueueSandboxReconciliation, ensureSandboxFeeSchedule } from "@/lib/sandbox/kickoff";
import { startStripeApiServer, type StripeApiServer } from "@/lib/sandbox/stripe-api/server";
import { useTestDatabase, withSql } from "../helpers/db";

/**
 * The sandbox's provider-side anomalies, as reconciliation sees them through
 * the Stripe SDK: every planted fee, payout and double-charge anomaly is
 * found, and nothing else of those kinds (they depend only on the
 * provider's books).
 */
const database = useTestDatabase();
const HOUR = 3600;
const to = Math.floor(Date.now() / 1000) - HOUR;
const from = to - 6 * HOUR;

let business: SandboxBusiness;
let server: StripeApiServer;

beforeAll(async () => {
  business = generateBusiness({
    seed: 77,
    from,
    to,
    activityPerDay: 2000,
    payoutIntervalSeconds: HOUR,
    anomalies: { fee: 0.05, payout: 0.5, duplicateCharge: 0.02 },
  });
  server = await startStripeApiServer({ store: business.store, apiKey: "sk_test_reconciliation_fit" });
  process.env.STRIPE_API_BASE = server.url;
  process.env.STRIPE_SECRET_KEY = "sk_test_reconciliation_fit";
  process.env = { ...process.env };
});

afterAll(async () => {
  await server.stop();
});

describe("sandbox data through reconciliation", () => {
  it("finds exactly the planted fee, payout and double-charge anomalies", async () => {
    await ensureSandboxFeeSchedule({ currency: business.currency, fee: business.fee });
    await enqueueSandboxReconciliation({ from: new Date(from * 1000), to: new Date(to * 1000) });
    expect(await processQueuedRuns({ holder: "sandbox-test" })).toBe(1);

    const [run] = await withSql(database.url, (sql) => sql`select status, error from reconciliation_runs`);
    expect(run).toEqual({ status: "succeeded", error: null });
    const found = await withSql(
      database.url,
      (sql) => sql`select kind, count(*)::int as n from discrepancies group by kind`,
    );
    const count = (kind: string) => found.find((row) => row.kind === kind)?.n ?? 0;

    const payouts = business.store.payouts.filter((payout) => payout.created < to);
    const wrongPayouts = payouts.filter((payout) => {
      const paid = business.store.balance_transactions.filter((txn) => txn._payout === payout.id);
      return paid.reduce((sum, txn) => sum + txn.net, 0) !== payout.amount;
    });
    expect(wrongPayouts.length).toBe(business.counts.payout_anomalies);
    expect(wrongPayouts.length).toBeGreaterThan(0);
    expect(count("payout_mismatch")).toBe(wrongPayouts.length);
    expect(count("fee_mismatch")).toBe(business.counts.fee_anomalies);
    expect(business.counts.fee_anomalies).toBeGreaterThan(0);
    expect(count("duplicate_charge")).toBe(business.counts.duplicate_charges);
    expect(business.counts.duplicate_charges).toBeGreaterThan(0);
  });
});
