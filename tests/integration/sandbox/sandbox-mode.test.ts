import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as webhook } from "@/app/api/webhooks/[provider]/route";
import { enqueueSandboxReconciliation } from "@/lib/sandbox/kickoff";
import { startSandboxMode, SANDBOX_DEMO_EMAIL } from "@/lib/sandbox/mode";
import { startSimulator } from "@/lib/sandbox/simulator";
import { useTestDatabase, withSql } from "../helpers/db";

const database = useTestDatabase();
const SECRET = "whsec_sandbox_integration_suite";

let server: Server;
let port: number;

/** The real webhook route behind a real HTTP port, as `next start` would serve it. */
async function toRequest(incoming: IncomingMessage): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers))
    if (typeof value === "string") headers.set(name, value);
  const hasBody = incoming.method !== "GET" && incoming.method !== "HEAD";
  return new Request(`http://127.0.0.1${incoming.url}`, {
    method: incoming.method,
    headers,
    body: hasBody ? new Uint8Array(Buffer.concat(chunks)) : undefined,
  });
}

beforeAll(async () => {
  server = createServer((incoming, outgoing) => {
    void (async () => {
      const request = await toRequest(incoming);
      const response = await webhook(request, { params: Promise.resolve({ provider: "stripe" }) });
      outgoing.writeHead(response.status, {
        "content-type": response.headers.get("content-type") ?? "application/json",
      });
      outgoing.end(Buffer.from(await response.arrayBuffer()));
    })().catch((error: unknown) => {
      outgoing.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const storedEvents = () =>
  withSql(database.url, async (sql) => {
    const rows = await sql<
      { provider_event_id: string }[]
    >`select provider_event_id from events where provider = 'stripe'`;
    return rows.map((row) => row.provider_event_id);
  });

describe("sandbox webhooks through Tally's own intake", () => {
  it("are verified and stored once each; forged ones are rejected", async () => {
    process.env.STRIPE_WEBHOOK_SECRET = SECRET;
    const simulator = startSimulator({
      target: `http://127.0.0.1:${port}/api/webhooks/stripe`,
      secret: SECRET,
      rate: Infinity,
      seed: 21,
      maxDeliveries: 400,
      concurrency: 4,
      faults: { duplicate: 0.08, badSignature: 0.04, drop: 0.03, poison: 0.02, outOfOrder: 0.1 },
    });
    const stats = await simulator.done;
    expect(stats.failed).toBe(0);
    expect(stats.accepted + stats.rejected).toBe(stats.sent);
    expect(stats.rejected).toBeGreaterThan(0);
    expect(stats.rejected).toBeLessThanOrEqual(stats.bad_signatures);
    expect(stats.acknowledged_duplicates).toBeGreaterThan(0);

    const stored = await storedEvents();
    expect(new Set(stored).size).toBe(stored.length);
    expect(stored.length).toBe(stats.accepted - stats.acknowledged_duplicates);
    const listed = new Set(simulator.business.store.events.map((event) => event.id));
    const unlisted = stored.filter((id) => !listed.has(id));
    expect(unlisted.length).toBeGreaterThan(0);
    expect(unlisted.every((id) => id.startsWith("evt_poison_"))).toBe(true);
  });
});

describe("sandbox mode", () => {
  it("serves its business to the Stripe SDK, creates the demo admin and feeds the web process", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "tally-sandbox-mode-"));
    const saved = { ...process.env };
    const lines: string[] = [];
    try {
      const before = (await storedEvents()).length;
      const sandbox = await startSandboxMode({ dataDir, webPort: port, log: (line) => lines.push(line) });
      expect(sandbox.env.TALLY_SANDBOX).toBe("1");
      expect(sandbox.env.TALLY_DEMO_EMAIL).toBe(SANDBOX_DEMO_EMAIL);
      expect(process.env.STRIPE_API_BASE).toBe(sandbox.env.STRIPE_API_BASE);
      expect(process.env.STRIPE_WEBHOOK_SECRET).toBe(sandbox.env.STRIPE_WEBHOOK_SECRET);
      expect(sandbox.env.STRIPE_WEBHOOK_SECRET).toMatch(/^whsec_/);
      expect(lines.join("\n")).not.toContain(sandbox.env.TALLY_DEMO_PASSWORD!);

      const api = new URL(sandbox.env.STRIPE_API_BASE!);
      const stripe = new Stripe(sandbox.env.STRIPE_SECRET_KEY!, {
        host: api.hostname,
        port: Number(api.port),
        protocol: "http",
      });
      const charges = await stripe.charges.list({ limit: 100 });
      expect(charges.data.length).toBeGreaterThan(50);
      const payouts = await stripe.payouts.list();
      expect(payouts.data.length).toBeGreaterThan(0);

      const users = await withSql(
        database.url,
        (sql) => sql`select role from users where email = ${SANDBOX_DEMO_EMAIL}`,
      );
      expect(users.map((user) => user.role)).toEqual(["admin"]);
      const schedules = await withSql(
        database.url,
        (sql) => sql`select rules, tolerance from fee_schedules where provider = 'stripe'`,
      );
      expect(schedules).toEqual([{ rules: [{ currency: "eur", percent: 1.5, fixed: 25 }], tolerance: 1 }]);

      await sandbox.afterWebStarted();
      while ((await storedEvents()).length < before + 50)
        await new Promise((resolve) => setTimeout(resolve, 100));
      await sandbox.stop();
      const afterStop = (await storedEvents()).length;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await storedEvents()).length).toBe(afterStop);
      await expect(fetch(`${sandbox.env.STRIPE_API_BASE}/v1/charges`)).rejects.toThrow();

      // The secrets persist under the data directory, so a restart keeps verifying;
      // an operator's own fee schedule is left alone.
      await withSql(
        database.url,
        (sql) => sql`update fee_schedules set tolerance = 7 where provider = 'stripe'`,
      );
      // The provider's books persist too, so earlier sessions' objects stay reconcilable.
      const again = await startSandboxMode({ dataDir, webPort: port, log: () => {} });
      expect(again.env.STRIPE_WEBHOOK_SECRET).toBe(sandbox.env.STRIPE_WEBHOOK_SECRET);
      const againApi = new URL(again.env.STRIPE_API_BASE!);
      const againStripe = new Stripe(again.env.STRIPE_SECRET_KEY!, {
        host: againApi.hostname,
        port: Number(againApi.port),
        protocol: "http",
      });
      const earlier = charges.data[0]!;
      expect((await againStripe.charges.retrieve(earlier.id)).amount).toBe(earlier.amount);
      expect(again.env.TALLY_DEMO_PASSWORD).toBe(sandbox.env.TALLY_DEMO_PASSWORD);
      await again.stop();
      const kept = await withSql(
        database.url,
        (sql) => sql`select tolerance from fee_schedules where provider = 'stripe'`,
      );
      expect(kept).toEqual([{ tolerance: 7 }]);
    } finally {
      process.env = saved;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe("sandbox kickoff", () => {
  it("queues a reconciliation run over the period through the reconciliation module", async () => {
    const from = new Date("2026-01-01T00:00:00Z");
    const to = new Date("2026-01-01T00:30:00Z");
    await enqueueSandboxReconciliation({ from, to });
    const runs = await withSql(
      database.url,
      (sql) =>
        sql`select provider, kind, status, period_from, period_to, requested_by from reconciliation_runs`,
    );
    expect(runs).toEqual([
      {
        provider: "stripe",
        kind: "all",
        status: "queued",
        period_from: from,
        period_to: to,
        requested_by: "system:sandbox",
      },
    ]);
  });
});
