import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST as webhook } from "@/app/api/webhooks/[provider]/route";
import { rawSql } from "@/db";
import { systemPrincipal } from "@/lib/auth/principal";
import { monitoringJobs } from "@/lib/monitoring/jobs";
import { firingAlerts } from "@/lib/monitoring/alerts";
import { recordAckFailure } from "@/lib/inbox/ack-failures";
import { evaluateAlerts } from "@/lib/monitoring/evaluate";
import { updateAlertThresholds, DEFAULT_THRESHOLDS } from "@/lib/monitoring/settings";
import { TEST_STRIPE_SECRET, signedDelivery, stripeEvent } from "../../fixtures/stripe";
import { useTestDatabase } from "../helpers/db";
import { callRoute } from "../helpers/http";
import { startAlertSink } from "./alert-sink";

useTestDatabase();

let sink: Awaited<ReturnType<typeof startAlertSink>>;
const admin = systemPrincipal("monitoring-test");

beforeAll(async () => {
  sink = await startAlertSink();
  // A fresh env object: config() re-reads it.
  process.env = {
    ...process.env,
    ALERT_WEBHOOK_URL: sink.url,
    AUTH_URL: "https://tally.example",
    STRIPE_WEBHOOK_SECRET: TEST_STRIPE_SECRET,
  };
});
afterAll(async () => {
  await sink.close();
});
beforeEach(() => {
  sink.posts.length = 0;
});

async function insertEvent(fields: {
  status: string;
  type?: string;
  receivedAgo?: string;
  processedAgo?: string | null;
}): Promise<number> {
  const sql = rawSql();
  const [row] = await sql<{ id: string }[]>`
    insert into events (provider, provider_event_id, type, status, received_at, processed_at, payload)
    values ('stripe', ${`evt_${Math.random().toString(36).slice(2)}`}, ${fields.type ?? "charge.refunded"},
      ${fields.status}, now() - ${fields.receivedAgo ?? "0 seconds"}::interval,
      ${fields.processedAgo == null ? null : sql`now() - ${fields.processedAgo}::interval`}, '{}')
    returning id`;
  return Number(row!.id);
}

describe("alert rules against a local Slack-compatible sink", () => {
  it("runs as one singleton job at least every 30 s", () => {
    const job = monitoringJobs().find((candidate) => candidate.name === "monitoring.alerts");
    expect(job).toMatchObject({ singleton: true });
    expect(job!.intervalMs).toBeLessThanOrEqual(30_000);
  });

  it("a new dead letter fires once, shows as firing, and resolves when handled", async () => {
    const id = await insertEvent({ status: "dead", type: "charge.dispute.created" });
    await evaluateAlerts();
    const fired = sink.matching("[FIRING] New dead letters");
    expect(fired).toHaveLength(1);
    expect(fired[0]).toContain("1 event became dead letters");
    expect(fired[0]).toContain("charge.dispute.created ×1");
    expect(fired[0]).toContain("How many: 1");
    expect(fired[0]).toContain("https://tally.example/dead-letters");
    expect((await firingAlerts()).map((alert) => [alert.rule, alert.path])).toEqual([
      ["dead_letter", "/dead-letters"],
    ]);

    await evaluateAlerts();
    await evaluateAlerts();
    expect(sink.posts).toHaveLength(1);

    await rawSql()`update events set status = 'discarded' where id = ${id}`;
    await evaluateAlerts();
    expect(sink.matching("[RESOLVED] New dead letters")).toHaveLength(1);
    expect(await firingAlerts()).toEqual([]);
  });

  it("the cooldown keeps a flapping rule from storming the channel", async () => {
    // The previous test notified dead_letter moments ago: a new firing within the cooldown stays quiet.
    const ids: number[] = [];
    for (let round = 0; round < 3; round++) {
      ids.push(await insertEvent({ status: "dead" }));
      await evaluateAlerts();
      await rawSql()`update events set status = 'discarded' where id = ${ids.at(-1)!}`;
      await evaluateAlerts();
    }
    expect(sink.posts).toEqual([]);

    await updateAlertThresholds({ principal: admin, input: { ...DEFAULT_THRESHOLDS, cooldownMinutes: 0 } });
    const id = await insertEvent({ status: "dead" });
    await evaluateAlerts();
    await rawSql()`update events set status = 'discarded' where id = ${id}`;
    await evaluateAlerts();
    expect(sink.posts.map((text) => text.split("\n")[0])).toEqual([
      ":rotating_light: [FIRING] New dead letters",
      ":white_check_mark: [RESOLVED] New dead letters",
    ]);
    await updateAlertThresholds({ principal: admin, input: DEFAULT_THRESHOLDS });
  });

  it("p95 lag above the threshold fires (waiting events count) and clears once processed", async () => {
    const id = await insertEvent({ status: "pending", receivedAgo: "5 minutes" });
    await evaluateAlerts();
    const fired = sink.matching("[FIRING] Processing lag p95 above threshold");
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatch(/lag p95 is (29\d|30\d) s \(threshold 60 s\)/);
    expect(fired[0]).toContain("https://tally.example/events?status=pending");

    await rawSql()`update events set status = 'processed', received_at = now() - interval '2 seconds', processed_at = now() where id = ${id}`;
    await evaluateAlerts();
    expect(sink.matching("[RESOLVED] Processing lag p95 above threshold")).toHaveLength(1);
  });

  it("a burst of forged deliveries fires for the provider and clears when the minute passes", async () => {
    for (let i = 0; i < 11; i++) {
      const { body, headers } = signedDelivery(stripeEvent(), "whsec_forged_secret");
      const response = await callRoute(webhook, {
        method: "POST",
        path: "/api/webhooks/stripe",
        params: { provider: "stripe" },
        headers,
        body,
      });
      expect(response.status).toBe(400);
    }
    await evaluateAlerts();
    const fired = sink.matching("[FIRING] Rejected deliveries above rate — stripe");
    expect(fired).toHaveLength(1);
    expect(fired[0]).toContain("11 rejected deliveries from stripe in the last minute");
    expect(fired[0]).toContain("How many: 11");

    await rawSql()`update rejected_deliveries set received_at = received_at - interval '2 minutes'`;
    await evaluateAlerts();
    expect(sink.matching("[RESOLVED] Rejected deliveries above rate — stripe")).toHaveLength(1);
  });

  it("new discrepancies after a run fire with the run's link and clear when resolved", async () => {
    const sql = rawSql();
    const [run] = await sql<{ id: string }[]>`
      insert into reconciliation_runs (provider, period_from, period_to, status, requested_by, started_at, finished_at)
      values ('stripe', now() - interval '1 day', now(), 'succeeded', 'test', now() - interval '30 seconds', now())
      returning id`;
    await sql`
      insert into discrepancies (kind, provider, object_id, object_type, currency, amount_at_risk, first_run_id, last_run_id)
      values ('amount_mismatch', 'stripe', 'pi_1', 'payment_intent', 'eur', 500, ${run!.id}, ${run!.id}),
             ('missing_internal', 'stripe', 'pi_2', 'payment_intent', 'eur', 1500, ${run!.id}, ${run!.id})`;
    await evaluateAlerts();
    const fired = sink.matching("[FIRING] New discrepancies after a reconciliation run — stripe");
    expect(fired).toHaveLength(1);
    expect(fired[0]).toContain(
      `run ${run!.id} (stripe) found 2 new open discrepancies; amount at risk €20.00`,
    );
    expect(fired[0]).toContain(`https://tally.example/discrepancies?run_id=${run!.id}`);

    await sql`update discrepancies set status = 'resolved'`;
    await evaluateAlerts();
    expect(sink.matching("[RESOLVED] New discrepancies after a reconciliation run — stripe")).toHaveLength(1);
  });

  it("a silent worker fires unless a newer worker replaced it, and clears when it beats again", async () => {
    const sql = rawSql();
    await sql`
      insert into worker_heartbeats (worker_id, hostname, pid, started_at, beat_at)
      values ('worker-old', 'host-a', 11, now() - interval '1 hour', now() - interval '10 minutes'),
             ('worker-new', 'host-a', 12, now() - interval '9 minutes', now()),
             ('worker-stuck', 'host-b', 13, now() - interval '1 hour', now() - interval '2 minutes')`;
    await evaluateAlerts();
    // worker-old was restarted as worker-new; worker-stuck has no replacement (worker-new started before it fell silent).
    expect(sink.matching("[FIRING] Silent worker")).toEqual([
      expect.stringContaining("Silent worker — worker-stuck"),
    ]);
    expect(sink.posts.join("\n")).not.toContain("worker-old");

    await sql`update worker_heartbeats set beat_at = now() where worker_id = 'worker-stuck'`;
    await evaluateAlerts();
    expect(sink.matching("[RESOLVED] Silent worker — worker-stuck")).toHaveLength(1);
    await sql`delete from worker_heartbeats`;
  });

  it("deliveries we failed to acknowledge fire with the provider's retry deadline", async () => {
    for (let i = 0; i < 5; i++) await recordAckFailure({ provider: "adyen", status: 503 });
    await evaluateAlerts();
    const fired = sink.matching(
      "[FIRING] Deliveries not acknowledged (provider retry window running) — adyen",
    );
    expect(fired).toHaveLength(1);
    expect(fired[0]).toContain("5 deliveries from adyen were not acknowledged (http_503)");
    expect(fired[0]).toContain("adyen retries for 720 h");

    await rawSql()`update delivery_counts set minute = minute - interval '1 hour' where outcome = 'failed'`;
    await evaluateAlerts();
    expect(sink.matching("[RESOLVED] Deliveries not acknowledged")).toHaveLength(1);
  });

  it("a post the sink refuses is retried on the next evaluation, not lost", async () => {
    sink.failNextPosts(1);
    const id = await insertEvent({ status: "pending", receivedAgo: "10 minutes" });
    await updateAlertThresholds({ principal: admin, input: { ...DEFAULT_THRESHOLDS, cooldownMinutes: 0 } });
    await evaluateAlerts();
    expect(sink.posts).toEqual([]);
    await evaluateAlerts();
    expect(sink.matching("[FIRING] Processing lag p95")).toHaveLength(1);
    await rawSql()`update events set status = 'processed', received_at = now(), processed_at = now() where id = ${id}`;
    await evaluateAlerts();
    expect(sink.matching("[RESOLVED] Processing lag p95")).toHaveLength(1);
  });
});

describe("alert thresholds", () => {
  it("are admin-only, validated and audited", async () => {
    const viewer = {
      kind: "user" as const,
      id: "7",
      actor: "user:viewer@example.com",
      role: "viewer" as const,
    };
    await expect(
      updateAlertThresholds({ principal: viewer, input: DEFAULT_THRESHOLDS }),
    ).rejects.toMatchObject({ code: "forbidden" });
    await expect(
      updateAlertThresholds({ principal: admin, input: { ...DEFAULT_THRESHOLDS, lagThresholdSeconds: -1 } }),
    ).rejects.toMatchObject({ code: "bad_request" });

    await updateAlertThresholds({
      principal: admin,
      input: { ...DEFAULT_THRESHOLDS, lagThresholdSeconds: 120 },
    });
    const [audit] = await rawSql()<{ actor: string; details: { after: { lagThresholdSeconds: number } } }[]>`
      select actor, details from audit_log where action = 'alerts.thresholds_updated' order by id desc limit 1`;
    expect(audit?.actor).toBe("system:monitoring-test");
    expect(audit?.details.after.lagThresholdSeconds).toBe(120);
  });
});
