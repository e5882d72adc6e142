import net from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signStripePayload } from "@/lib/providers/stripe/verify";
import { TEST_STRIPE_SECRET } from "../fixtures/stripe";
import { chaosDatabase, delivery, send, stop, type ChaosDatabase } from "./support";
import { WEB_TARGETS, type WebTarget } from "./web-targets";

/** Writes raw bytes on a fresh socket; resolves with whatever came back before close (or timeout). */
function raw(port: number, bytes: string | Buffer, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    let reply = "";
    socket.setTimeout(timeoutMs, () => socket.destroy());
    socket.on("data", (chunk) => (reply += chunk.toString("latin1")));
    socket.on("error", () => {});
    socket.on("close", () => resolve(reply));
    socket.write(bytes);
  });
}

const statusOf = (reply: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1] ?? 0);

describe.each(WEB_TARGETS)("hostile input through $name", ({ start }) => {
  let database: ChaosDatabase;
  let web: WebTarget;
  let acknowledged = 0;
  const countEvents = () =>
    database.query(async (sql) => (await sql<{ n: number }[]>`select count(*)::int as n from events`)[0]!.n);
  const legit = async () => {
    expect(await send(web.webhookUrl, delivery("hostile"))).toBe(200);
    acknowledged++;
  };

  beforeAll(async () => {
    database = await chaosDatabase("hostile");
    web = await start(database.url);
  });
  afterAll(async () => {
    if (web) await stop(web.child);
    await database?.destroy();
  });

  it("rejects fuzzed bodies and signatures with a 4xx and stores none of them", async () => {
    const body = fc.oneof(
      fc.string({ maxLength: 2000 }),
      fc.json(),
      fc.uint8Array({ maxLength: 2000 }).map((bytes) => Buffer.from(bytes).toString("latin1")),
      // Verified but not a Stripe event: the signature check passes, the shape must not.
      fc
        .record({ id: fc.anything(), object: fc.anything(), type: fc.anything(), data: fc.anything() })
        .map((v) => JSON.stringify(v)),
    );
    const signature = fc.oneof(
      fc.constant("valid"),
      fc.constant("none"),
      fc.string({ maxLength: 300 }),
      fc.constant("t=1,v1=" + "0".repeat(64)),
    );
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(body, signature, async (payload, kind) => {
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (kind === "valid") headers["stripe-signature"] = signStripePayload(payload, TEST_STRIPE_SECRET);
        else if (kind !== "none") headers["stripe-signature"] = kind.replace(/[\r\n\0]/g, "");
        const status = await send(web.webhookUrl, { body: payload, headers });
        seen.add(status);
        return status === 400;
      }),
      { numRuns: 150, seed: 9 },
    );
    expect([...seen]).toEqual([400]);
    expect(await countEvents()).toBe(0);
    await legit();
  });

  it("survives oversized bodies and headers, garbage HTTP and slow clients", async () => {
    // A body over 1 MiB, declared and undeclared (chunked).
    const big = "x".repeat(2 * 1024 * 1024);
    expect(await send(web.webhookUrl, { body: big, headers: { "stripe-signature": "t=1,v1=00" } })).toBe(413);
    const chunked = await raw(
      web.port,
      `POST /api/webhooks/stripe HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n` +
        `${big.length.toString(16)}\r\n${big}\r\n0\r\n\r\n`,
    );
    expect([0, 413]).toContain(statusOf(chunked));
    // Headers far beyond Node's 16 KiB limit: refused by the HTTP parser (431) or the connection is cut.
    const headers = await raw(
      web.port,
      `POST /api/webhooks/stripe HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(100_000)}\r\nContent-Length: 2\r\n\r\n{}`,
    );
    expect([0, 431]).toContain(statusOf(headers));
    // Not HTTP at all.
    expect([0, 400]).toContain(statusOf(await raw(web.port, "\x16\x03\x01\x00garbage\r\n\r\n")));

    // Slow clients: sockets that trickle a signed body and never finish it, while real traffic flows.
    const slow = Array.from({ length: 30 }, (_, index) => {
      const item = delivery(`slow${index}`);
      const socket = net.connect(web.port, "127.0.0.1");
      socket.on("error", () => {});
      socket.write(
        `POST /api/webhooks/stripe HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
          `Stripe-Signature: ${item.headers["stripe-signature"]}\r\nContent-Length: ${item.body.length}\r\n\r\n`,
      );
      let sent = 0;
      const timer = setInterval(() => {
        if (sent < item.body.length - 1) socket.write(item.body[sent++]!);
      }, 100);
      return { socket, timer };
    });
    for (let round = 0; round < 10; round++) await legit();
    for (const { socket, timer } of slow) {
      clearInterval(timer);
      socket.destroy();
    }

    await legit();
    expect(web.child.exitCode).toBeNull();
    // Only the legitimate deliveries were stored: nothing from the fuzz, the oversized or the unfinished bodies.
    expect(await countEvents()).toBe(acknowledged);
  });
});
