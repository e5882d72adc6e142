/**
 * The CPU Tally's intake work costs per webhook with no HTTP server around
 * it: `receiveWebhook` (check the signature, store the event durably, build
 * the reply) called directly with 16 deliveries in flight, as the ingest
 * rounds keep 16 requests open. Two modes, alternated, best of two: plain,
 * and inside an active AsyncLocalStorage, the way Next.js runs every request
 * (Node then runs its promise hooks on every promise). What it measures is
 * what Tally's request thread spends to verify and durably store an event
 * before any HTTP server or framework adds its own cost.
 *
 *   DATABASE_URL=… STRIPE_WEBHOOK_SECRET=… npx tsx --conditions=react-server scripts/bench/intake-cost.ts [events]
 *
 * Prints one JSON line: CPU µs per event (user + system of this process) for each mode.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { closeDb } from "@/db";
import { receiveWebhook } from "@/lib/inbox/receive";
import { deliveries, type Delivery } from "./support/stripe-bodies";

const EVENTS = Number(process.argv[2] ?? 6_000);
const IN_FLIGHT = 16;
const url = new URL("http://127.0.0.1/api/webhooks/stripe");

function deliver(delivery: Delivery) {
  const body = Buffer.from(delivery.body);
  const headers = new Map([
    ["content-type", "application/json"],
    ["content-length", String(body.length)],
    ["stripe-signature", delivery.signature],
  ]);
  return receiveWebhook({
    providerName: "stripe",
    method: "POST",
    url,
    headers: { get: (name) => headers.get(name.toLowerCase()) ?? null },
    readBody: async () => body,
    remoteAddr: "127.0.0.1",
  });
}

/** Delivers every item with IN_FLIGHT outstanding at a time; returns CPU µs per delivery. */
async function cpuPerDelivery(items: Delivery[]): Promise<number> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const reply = await deliver(items[next++]!);
      if (reply.status !== 200) throw new Error(`intake answered ${reply.status}: ${reply.body}`);
    }
  };
  const before = process.cpuUsage();
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / items.length;
}

async function main() {
  // Loads every module and opens the pool before anything is counted.
  await cpuPerDelivery(deliveries("icw", 2_000));
  const storage = new AsyncLocalStorage<{ request: number }>();
  // Alternated and best of two, so neither mode is measured on colder code than the other.
  const plain: number[] = [];
  const inContext: number[] = [];
  for (const pass of [1, 2]) {
    plain.push(await cpuPerDelivery(deliveries(`icp${pass}`, EVENTS)));
    inContext.push(
      await storage.run({ request: pass }, () => cpuPerDelivery(deliveries(`icc${pass}`, EVENTS))),
    );
  }
  console.log(
    JSON.stringify({
      events: EVENTS,
      inFlight: IN_FLIGHT,
      plainUs: Math.min(...plain),
      inContextUs: Math.min(...inContext),
    }),
  );
  await closeDb();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
