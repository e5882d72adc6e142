import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemPrincipal } from "@/lib/auth/principal";
import { storeEvents } from "@/lib/inbox/store";
import { claimEvents } from "@/lib/processing/claim";
import { processEvent } from "@/lib/processing/process-event";
import { normaliseStripeEvent } from "@/lib/providers/stripe/normalise";
import { createStripeClient } from "@/lib/providers/stripe/client";
import { processQueuedRuns } from "@/lib/reconciliation/execute";
import { putFeeSchedule } from "@/lib/reconciliation/fee-schedules";
import { enqueueRun } from "@/lib/reconciliation/runs";
import { generateBusiness, type SandboxBusiness } from "@/lib/sandbox/business";
import { startStripeApiServer, type StripeApiServer } from "@/lib/sandbox/stripe-api/server";
import { useTestDatabase, withSql } from "../helpers/db";

/**
 * The whole loop on a realistic, fault-free business: its webhooks are
 * stored and processed by the real processing engine, except one payment's,
 * which is "dropped". Reconciliation must then find exactly that payment
 * (recovered from the event list) and, once processing has applied the
 * recovered events, auto-resolve it — and flag nothing else.
 */
const database = useTestDatabase();
const HOUR = 3600;
const to = Math.floor(Date.now() / 1000 / HOUR) * HOUR - HOUR;
const from = to - 4 * HOUR;
const finance = {
  kind: "user" as const,
  id: "1",
  actor: "user:finance@example.com",
  role: "finance" as const,
};

let business: SandboxBusiness;
let server: StripeApiServer;
let dropped: string;

/**
 * What DESIGN.md's duplicate rule says about the generated business, computed
 * independently: returning customers sometimes pay the same amount again
 * within 10 minutes, and that is exactly what the rule flags.
 */
function expectedDuplicates(): string[] {
  const charges = business.store.charges
    .filter((charge) => charge.status === "succeeded" && charge.customer)
    .sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : 1));
  const flagged = new Set<string>();
  charges.forEach((later, index) => {
    const twin = charges
      .slice(0, index)
      .some(
        (earlier) =>
          earlier.customer === later.customer &&
          earlier.amount === later.amount &&
          earlier.currency === later.currency &&
          later.created - earlier.created <= 600,
      );
    if (twin) flagged.add(later.payment_intent!);
  });
  return [...flagged].sort();
}

async function drain() {
  for (;;) {
    const events = await claimEvents({ workerId: "e2e", limit: 200 });
    if (events.length === 0) return;
    for (const event of events) await processEvent({ event, workerId: "e2e" });
  }
}

async function reconcile() {
  const { id } = await enqueueRun({
    principal: finance,
    provider: "stripe",
    from: new Date(from * 1000),
    to: new Date(to * 1000),
  });
  await processQueuedRuns({
    holder: "e2e",
    stripeClient: createStripeClient({ apiKey: "sk_test_e2e", apiBase: server.url }),
  });
  return id;
}

beforeAll(async () => {
  business = generateBusiness({ seed: 11, from, to, activityPerDay: 2000, payoutIntervalSeconds: HOUR });
  server = await startStripeApiServer({ store: business.store });
  const intent = business.store.payment_intents.find((pi) => pi.status === "succeeded")!;
  dropped = intent.id;
  const delivered = business.store.events.filter((event) => {
    const object = event.data.object as { id?: string; payment_intent?: string };
    return object.id !== dropped && object.payment_intent !== dropped;
  });
  const normalised = delivered.flatMap((event) => {
    const result = normaliseStripeEvent(event);
    return result.ok ? [result.event] : [];
  });
  for (let index = 0; index < normalised.length; index += 500) {
    await storeEvents({
      provider: "stripe",
      events: normalised.slice(index, index + 500),
      rawBody: "{}",
      headers: {},
    });
  }
  await drain();
  await putFeeSchedule({
    principal: systemPrincipal("test"),
    provider: "stripe",
    schedule: { rules: [{ currency: business.currency, ...business.fee }], tolerance: 1 },
  });
});

afterAll(async () => {
  await server?.stop();
});

describe("webhooks → processing → reconciliation", () => {
  it("flags only the payment whose webhooks were dropped, and recovers them", async () => {
    expect(business.store.payment_intents.length).toBeGreaterThan(100);
    const run = await reconcile();
    const found = await withSql(
      database.url,
      (sql) => sql`
      select kind, object_id, details->>'recovered' as recovered from discrepancies order by kind, object_id`,
    );
    const duplicates = expectedDuplicates();
    expect(found.filter((row) => row.kind === "duplicate_charge").map((row) => row.object_id)).toEqual(
      duplicates,
    );
    expect(found.filter((row) => row.kind !== "duplicate_charge")).toEqual([
      { kind: "missing_internal", object_id: dropped, recovered: "true" },
    ]);
    const [counts] = await withSql(
      database.url,
      (sql) => sql`select counts from reconciliation_runs where id = ${run}`,
    );
    expect(counts!.counts).toEqual({
      missing_internal: 1,
      ...(duplicates.length ? { duplicate_charge: duplicates.length } : {}),
    });
  });

  it("auto-resolves it once processing has applied the recovered events", async () => {
    await drain();
    await reconcile();
    const rows = await withSql(
      database.url,
      (sql) => sql`select kind, object_id, status from discrepancies where kind <> 'duplicate_charge'`,
    );
    expect(rows).toEqual([{ kind: "missing_internal", object_id: dropped, status: "auto_resolved" }]);
  });
});
