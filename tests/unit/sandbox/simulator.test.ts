import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkStripeSignature } from "@/lib/providers/stripe/verify";
import { generateBusiness } from "@/lib/sandbox/business";
import { startSimulator } from "@/lib/sandbox/simulator";

const SECRET = "whsec_sandbox_simulator_suite";

type Received = { id: string; verified: boolean; body: Record<string, unknown> };

let receiver: Server;
let target: string;
const received: Received[] = [];
let failFirst = 0;

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      if (request.method !== "POST") {
        response.writeHead(405).end();
        return;
      }
      if (failFirst > 0) {
        failFirst -= 1;
        response.writeHead(503, { "content-type": "application/json" }).end('{"error":"busy"}');
        return;
      }
      const body = Buffer.concat(chunks);
      const check = checkStripeSignature(body, request.headers["stripe-signature"] as string, [SECRET]);
      const event = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
      const duplicate = check.ok && received.some((entry) => entry.verified && entry.id === event.id);
      received.push({ id: String(event.id), verified: check.ok, body: event });
      response.writeHead(check.ok ? 200 : 400, { "content-type": "application/json" });
      response.end(
        JSON.stringify(
          check.ok
            ? { received: true, ...(duplicate ? { duplicate: true } : {}) }
            : { error: "bad signature" },
        ),
      );
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  target = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/webhooks/stripe`;
});

afterAll(async () => {
  await new Promise((resolve) => receiver.close(resolve));
});

// Thousands of real HTTP deliveries: on a busy machine they outlast the default 5 s, which is no measure of anything here.
describe("webhook simulator", { timeout: 30_000 }, () => {
  it("sends correctly signed webhooks for the business's events, with the configured faults", async () => {
    received.length = 0;
    failFirst = 3;
    const simulator = startSimulator({
      target,
      secret: SECRET,
      rate: Infinity,
      seed: 5,
      maxDeliveries: 1500,
      concurrency: 8,
      faults: {
        duplicate: 0.05,
        drop: 0.03,
        badSignature: 0.02,
        outOfOrder: 0.05,
        poison: 0.01,
        amountDrift: 0.05,
      },
    });
    const stats = await simulator.done;

    expect(stats.sent).toBeGreaterThanOrEqual(1500);
    expect(stats.accepted + stats.rejected + stats.failed).toBe(stats.sent);
    expect(stats.failed).toBe(3);
    expect(stats.retried).toBe(3);

    const forged = received.filter((entry) => !entry.verified);
    expect(forged.length).toBe(stats.rejected);
    expect(forged.length).toBeGreaterThan(0);
    const verified = received.filter((entry) => entry.verified);
    expect(verified.length).toBe(stats.accepted);
    expect(stats.acknowledged_duplicates).toBeGreaterThan(0);
    expect(stats.acknowledged_duplicates).toBeLessThanOrEqual(stats.duplicates + stats.retried);

    // Every verified webhook is an event the API lists, except the planted poison.
    const listed = new Set(simulator.business.store.events.map((event) => event.id));
    const poison = verified.filter((entry) => !listed.has(entry.id));
    expect(poison.length).toBeGreaterThan(0);
    expect(poison.every((entry) => !("currency" in (entry.body.data as { object: object }).object))).toBe(
      true,
    );

    // Dropped events are in the API but were never delivered.
    const delivered = new Set(verified.map((entry) => entry.id));
    const missing = [...listed].filter((id) => !delivered.has(id));
    expect(missing.length).toBeGreaterThanOrEqual(stats.dropped);
  });

  it("waits for the target, then keeps to the rate cap and stops on request", async () => {
    received.length = 0;
    const simulator = startSimulator({ target, secret: SECRET, rate: 200, seed: 6 });
    while (received.length < 20) await new Promise((resolve) => setTimeout(resolve, 10));
    const stats = await simulator.stop();
    expect(simulator.startedAt()).not.toBeNull();
    expect(stats.sent).toBeGreaterThanOrEqual(20);
    expect(received.every((entry) => entry.verified)).toBe(true);
    // Nothing new is sent after stop; requests already on the wire may still land (a busy receiver reads them late).
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(simulator.stats().sent).toBe(stats.sent);
    expect(received.length).toBeLessThanOrEqual(stats.sent);
  });

  it("sends a backlog first, in order, before live activity", async () => {
    received.length = 0;
    const history = generateBusiness({
      seed: 8,
      from: 1_735_689_600,
      to: 1_735_689_600 + 3600,
      activityPerDay: 2000,
    });
    const backlog = [...history.store.events];
    const simulator = startSimulator({
      target,
      secret: SECRET,
      rate: Infinity,
      seed: 8,
      business: history,
      backlog,
      maxDeliveries: backlog.length + 20,
      concurrency: 1,
    });
    await simulator.done;
    expect(received.slice(0, backlog.length).map((entry) => entry.id)).toEqual(
      backlog.map((event) => event.id),
    );
    expect(
      received
        .slice(backlog.length)
        .every((entry) => entry.verified && !backlog.some((event) => event.id === entry.id)),
    ).toBe(true);
    expect(received.length).toBeGreaterThanOrEqual(backlog.length + 20);
  });
});
