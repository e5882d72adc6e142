import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as metrics } from "@/app/api/metrics/route";
import { POST as webhook } from "@/app/api/webhooks/[provider]/route";
import { rawSql } from "@/db";
import { recordAckFailure } from "@/lib/inbox/ack-failures";
import { evaluateAlerts } from "@/lib/monitoring/evaluate";
import { TEST_STRIPE_SECRET, signedDelivery, stripeEvent } from "../../fixtures/stripe";
import { useTestDatabase } from "../helpers/db";
import { callRoute } from "../helpers/http";
import { parsePrometheusText, valueOf, type Family } from "./prometheus-text";

useTestDatabase();

const METRICS_TOKEN = "scrape-token-for-tests";
const original = process.env;
let families: Map<string, Family>;

async function deliver(event: ReturnType<typeof stripeEvent>, secret = TEST_STRIPE_SECRET) {
  const { body, headers } = signedDelivery(event, secret);
  return callRoute(webhook, {
    method: "POST",
    path: "/api/webhooks/stripe",
    params: { provider: "stripe" },
    headers,
    body,
  });
}

beforeAll(async () => {
  process.env = { ...original, STRIPE_WEBHOOK_SECRET: TEST_STRIPE_SECRET, METRICS_TOKEN };
  const sql = rawSql();
  const first = stripeEvent({ id: "evt_metrics_1" });
  expect((await deliver(first)).status).toBe(200);
  expect((await deliver(first)).status).toBe(200); // duplicate
  expect((await deliver(stripeEvent({ id: "evt_metrics_2", type: "charge.refunded" }))).status).toBe(200);
  expect((await deliver(stripeEvent(), "whsec_forged")).status).toBe(400);
  for (let i = 0; i < 2; i++) await recordAckFailure({ provider: "stripe", status: 503 });

  // Known lags: 0.5 s and 3 s for processed events, and a dead letter and an older pending event.
  await sql`update events set status = 'processed', received_at = now() - interval '10 seconds',
    processed_at = now() - interval '9.5 seconds' where provider_event_id = 'evt_metrics_1'`;
  await sql`update events set status = 'processed', received_at = now() - interval '10 seconds',
    processed_at = now() - interval '7 seconds' where provider_event_id = 'evt_metrics_2'`;
  await sql`insert into events (provider, provider_event_id, type, status, received_at)
    values ('stripe', 'evt_dead', 'charge.refunded', 'dead', now() - interval '1 minute'),
           ('stripe', 'evt_wait', 'charge.succeeded', 'pending', now() - interval '120 seconds'),
           ('stripe', 'evt_recovered', 'charge.succeeded', 'processed', now())`;
  await sql`update events set recovered = true where provider_event_id = 'evt_recovered'`;
  await sql`insert into worker_heartbeats (worker_id, hostname, pid) values ('w1', 'host', 1)`;

  const [run] = await sql<{ id: string }[]>`
    insert into reconciliation_runs (provider, period_from, period_to, status, requested_by, started_at, finished_at)
    values ('stripe', now() - interval '1 day', now(), 'succeeded', 'test', now() - interval '40 seconds', now())
    returning id`;
  await sql`
    insert into discrepancies (kind, provider, object_id, object_type, currency, amount_at_risk, first_run_id)
    values ('amount_mismatch', 'stripe', 'pi_1', 'payment_intent', 'eur', 700, ${run!.id}),
           ('amount_mismatch', 'stripe', 'pi_2', 'payment_intent', 'usd', 300, ${run!.id}),
           ('fee_mismatch', 'stripe', 'ch_3', 'charge', 'eur', 25, ${run!.id})`;
  await evaluateAlerts();

  const response = await callRoute(metrics, { path: "/api/metrics", token: METRICS_TOKEN });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/plain; version=0.0.4");
  families = parsePrometheusText(response.text);
});
afterAll(() => {
  process.env = original;
});

describe("GET /api/metrics", () => {
  it("needs the METRICS_TOKEN bearer when one is set", async () => {
    expect((await callRoute(metrics, { path: "/api/metrics" })).status).toBe(401);
    expect((await callRoute(metrics, { path: "/api/metrics", token: "wrong-token" })).status).toBe(401);
  });

  it("declares every series with HELP and TYPE", () => {
    const expected: Record<string, string> = {
      tally_webhooks_received_total: "counter",
      tally_events_processed_total: "counter",
      tally_processing_lag_seconds: "histogram",
      tally_webhook_ack_seconds: "histogram",
      tally_backlog_events: "gauge",
      tally_backlog_oldest_age_seconds: "gauge",
      tally_dead_letters: "gauge",
      tally_discrepancies_open: "gauge",
      tally_discrepancies_amount_at_risk_minor: "gauge",
      tally_reconciliation_run_duration_seconds: "histogram",
      tally_workers_alive: "gauge",
      tally_alerts_firing: "gauge",
    };
    for (const [name, type] of Object.entries(expected)) {
      expect(families.get(name)?.type, name).toBe(type);
      expect(families.get(name)?.help.length, name).toBeGreaterThan(10);
    }
    expect(families.get("tally_webhook_ack_seconds")?.help).toContain("Per process");
  });

  it("counts deliveries by provider and outcome, from the database", () => {
    const received = (outcome: string, reason = "") =>
      valueOf(families, "tally_webhooks_received_total", { provider: "stripe", outcome, reason });
    expect(received("accepted")).toBe(4); // two delivered + dead + pending; the recovered one was never delivered
    expect(received("duplicate")).toBe(1);
    expect(received("rejected", "signature_mismatch")).toBe(1);
    expect(received("failed", "http_503")).toBe(2);
  });

  it("counts processed events by provider, type and result", () => {
    const processed = (type: string, result: string) =>
      valueOf(families, "tally_events_processed_total", { provider: "stripe", type, result });
    expect(processed("payment_intent.succeeded", "processed")).toBe(1);
    expect(processed("charge.refunded", "processed")).toBe(1);
    expect(processed("charge.refunded", "dead")).toBe(1);
    expect(processed("charge.succeeded", "processed")).toBe(1);
  });

  it("buckets processing lag across processes", () => {
    const bucket = (le: string) =>
      valueOf(families, "tally_processing_lag_seconds_bucket", { provider: "stripe", le });
    expect(bucket("0.25")).toBe(0);
    expect(bucket("0.5")).toBe(1);
    expect(bucket("2.5")).toBe(1);
    expect(bucket("5")).toBe(2);
    expect(bucket("+Inf")).toBe(2);
    expect(valueOf(families, "tally_processing_lag_seconds_count", { provider: "stripe" })).toBe(2);
    expect(valueOf(families, "tally_processing_lag_seconds_sum", { provider: "stripe" })).toBeCloseTo(3.5, 3);
  });

  it("reports ack latency of the replies this process gave", () => {
    const count = (statusClass: string) =>
      valueOf(families, "tally_webhook_ack_seconds_count", { provider: "stripe", status_class: statusClass });
    expect(count("2xx")).toBeGreaterThanOrEqual(3);
    expect(count("4xx")).toBeGreaterThanOrEqual(1);
  });

  it("reports backlog, dead letters, workers and firing alerts", () => {
    expect(valueOf(families, "tally_backlog_events", { status: "pending" })).toBe(1);
    expect(valueOf(families, "tally_backlog_events", { status: "retrying" })).toBe(0);
    expect(valueOf(families, "tally_backlog_oldest_age_seconds")).toBeGreaterThanOrEqual(120);
    expect(valueOf(families, "tally_dead_letters")).toBe(1);
    expect(valueOf(families, "tally_workers_alive")).toBe(1);
    expect(valueOf(families, "tally_alerts_firing", { rule: "dead_letter" })).toBe(1);
    expect(valueOf(families, "tally_alerts_firing", { rule: "new_discrepancies" })).toBe(1);
    expect(valueOf(families, "tally_alerts_firing", { rule: "silent_worker" })).toBe(0);
  });

  it("reports open discrepancies, amount at risk per currency and run durations", () => {
    expect(
      valueOf(families, "tally_discrepancies_open", { provider: "stripe", kind: "amount_mismatch" }),
    ).toBe(2);
    expect(valueOf(families, "tally_discrepancies_open", { provider: "stripe", kind: "fee_mismatch" })).toBe(
      1,
    );
    expect(
      valueOf(families, "tally_discrepancies_amount_at_risk_minor", { provider: "stripe", currency: "eur" }),
    ).toBe(725);
    expect(
      valueOf(families, "tally_discrepancies_amount_at_risk_minor", { provider: "stripe", currency: "usd" }),
    ).toBe(300);
    const run = { provider: "stripe", status: "succeeded" };
    expect(valueOf(families, "tally_reconciliation_run_duration_seconds_bucket", { ...run, le: "30" })).toBe(
      0,
    );
    expect(valueOf(families, "tally_reconciliation_run_duration_seconds_bucket", { ...run, le: "60" })).toBe(
      1,
    );
    expect(valueOf(families, "tally_reconciliation_run_duration_seconds_count", run)).toBe(1);
  });

  it("is served without METRICS_TOKEN when none is configured", async () => {
    process.env = { ...process.env, METRICS_TOKEN: "" };
    const response = await callRoute(metrics, { path: "/api/metrics" });
    expect(response.status).toBe(200);
    expect(() => parsePrometheusText(response.text)).not.toThrow();
  });
});
