import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chaosDatabase, delivery, send, stop, waitFor, type ChaosDatabase, type Delivery } from "./support";
import { WEB_TARGETS, type WebTarget } from "./web-targets";

describe.each(WEB_TARGETS)("database outage through $name", ({ name, start }) => {
  let database: ChaosDatabase;
  let web: WebTarget;
  const prefix = `outage${name.startsWith("next") ? "next" : "recv"}`;

  beforeAll(async () => {
    database = await chaosDatabase(prefix);
    web = await start(database.url);
  });
  afterAll(async () => {
    if (web) await stop(web.child);
    await database?.destroy();
  });

  it("answers 503 (never 2xx) while PostgreSQL is down and recovers by itself when it returns", async () => {
    const before = Array.from({ length: 10 }, () => delivery(prefix));
    for (const item of before) expect(await send(web.webhookUrl, item)).toBe(200);

    await database.stop();
    const during: Delivery[] = Array.from({ length: 12 }, () => delivery(prefix));
    // Concurrently, as a provider's retries would arrive; `send` gives up after 15 s (status 0).
    const statuses = await Promise.all(during.map((item) => send(web.webhookUrl, item)));
    expect(statuses).toEqual(during.map(() => 503));
    const health = await fetch(new URL("/api/health", web.webhookUrl), {
      signal: AbortSignal.timeout(15_000),
    });
    // The receiver serves webhooks only (404); Next.js reports the outage.
    expect([404, 503]).toContain(health.status);
    await health.arrayBuffer();

    await database.start();
    // Nothing is restarted: the web process reconnects on its own.
    const probe = delivery(prefix);
    await waitFor(
      () => send(web.webhookUrl, probe),
      (status) => status === 200,
      60_000,
    );
    // The provider redelivers what was refused; each is accepted exactly once.
    for (const item of during) expect(await send(web.webhookUrl, item)).toBe(200);
    for (const item of during.slice(0, 3)) expect(await send(web.webhookUrl, item)).toBe(200);

    const expected = [...before, ...during, probe].map((item) => item.id).sort();
    const stored = await database.query(
      (sql) => sql<{ id: string }[]>`
        select provider_event_id as id from events where provider_event_id like ${"evt_" + prefix + "\\_%"} order by 1`,
    );
    expect(stored.map((row) => row.id).sort()).toEqual(expected);
    expect(web.child.exitCode).toBeNull();
  });
});
