/**
 * Ingest: signed Stripe webhooks acknowledged per second and their latency,
 * through `next start` (with a worker process applying them, as `npm start`
 * runs), through `npm run receiver`, and through the bare baseline, all in
 * one run on one PostgreSQL. The framework floor is the same Next.js server
 * answering `POST /api/webhooks/none`: a 404 from the same route with no
 * database work, i.e. what Next.js alone costs per request.
 */
import postgres from "postgres";
import type { Context, SectionResult } from "./support/context";
import { closedLoop, type LoadResult } from "./support/load";
import { port, spawnNext, spawnScript, waitForHttp, waitUntil, type Child } from "./support/processes";
import { int, ms, ratio, table } from "./support/stats";
import { BENCH_STRIPE_SECRET, deliveries } from "./support/stripe-bodies";

export const CONNECTIONS = 16;

type Row = { name: string; result: LoadResult; stored?: number };

/** The floor's replies are all 404s by design: count every answer there, only 2xx elsewhere. */
const answered = (name: string, result: LoadResult) =>
  name.includes("floor") ? result.sent / result.seconds : result.rps;

export async function drained(sql: postgres.Sql, timeoutMs: number): Promise<boolean> {
  return waitUntil(async () => {
    const [row] = await sql<{ n: number }[]>`
      select count(*)::int as n from events where status in ('pending', 'processing', 'retrying')`;
    return row!.n === 0;
  }, timeoutMs);
}

export async function ingestSection(context: Context): Promise<SectionResult> {
  const url = await context.database.create("bench_ingest");
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  const env = { DATABASE_URL: url, STRIPE_WEBHOOK_SECRET: BENCH_STRIPE_SECRET, SIMULATE: "0" };
  const durationMs = context.quick ? 2_000 : 8_000;
  const warmupMs = context.quick ? 500 : 2_000;
  const children: Child[] = [];
  const rows: Row[] = [];
  try {
    const barePort = port();
    const receiverPort = port();
    const nextPort = port();
    children.push(spawnScript("scripts/bench/bare-server.ts", { ...env, BARE_PORT: String(barePort) }));
    children.push(spawnScript("scripts/worker.ts", env));
    children.push(spawnScript("scripts/receiver.ts", { ...env, RECEIVER_PORT: String(receiverPort) }));
    if (context.hasBuild) children.push(spawnNext(context.distDir, nextPort, env));

    const targets = [
      { name: "bare node:http + INSERT", url: `http://127.0.0.1:${barePort}/` },
      ...(context.hasBuild
        ? [
            {
              name: "next start: framework floor (404, no DB)",
              url: `http://127.0.0.1:${nextPort}/api/webhooks/none`,
            },
            {
              name: "next start: Tally webhook route",
              url: `http://127.0.0.1:${nextPort}/api/webhooks/stripe`,
            },
          ]
        : []),
      {
        name: "npm run receiver (same lib/inbox)",
        url: `http://127.0.0.1:${receiverPort}/api/webhooks/stripe`,
      },
    ];
    for (const target of targets) await waitForHttp(target.url, 120_000);

    let round = 0;
    for (const target of targets) {
      round++;
      const prefix = `ing${round}`;
      const bodies = deliveries(prefix, Math.ceil((durationMs + warmupMs) * 5));
      await closedLoop(target, bodies.slice(0, Math.ceil(warmupMs * 2)), {
        connections: CONNECTIONS,
        durationMs: warmupMs,
      });
      await drained(sql, 60_000);
      const result = await closedLoop(target, bodies.slice(Math.ceil(warmupMs * 2)), {
        connections: CONNECTIONS,
        durationMs,
      });
      const [stored] = await sql<{ n: number }[]>`
        select (select count(*)::int from events where provider_event_id = any(${result.acknowledged}))
             + (select count(*)::int from bare_events where provider_event_id = any(${result.acknowledged})) as n`;
      rows.push({ name: target.name, result, stored: stored!.n });
      // The worker's backlog from this round must not steal CPU from the next one.
      await drained(sql, 120_000);
    }
  } finally {
    await Promise.all(children.map((child) => child.stop()));
    await sql.end();
  }

  const bare = rows.find((row) => row.name.startsWith("bare"))!.result;
  const next = rows.find((row) => row.name.includes("webhook route"))?.result;
  const floor = rows.find((row) => row.name.includes("floor"))?.result;
  const receiver = rows.find((row) => row.name.startsWith("npm run receiver"))!.result;
  const nextRatio = next ? next.rps / bare.rps : 0;
  const markdown = [
    `${CONNECTIONS} keep-alive connections, closed loop, ${durationMs / 1000} s per target after a ${
      warmupMs / 1000
    } s warm-up; every delivery is a unique, pre-signed \`payment_intent.succeeded\` event of ${
      deliveries("x", 1)[0]!.body.length
    } bytes. A worker process applies the events during the Tally rounds (the backlog is drained between rounds). "Stored" counts the acknowledged event ids found in the database afterwards.`,
    "",
    table(
      ["target", "requests/s", "p50 ms", "p99 ms", "max ms", "2xx", "stored", "other statuses", "vs bare"],
      rows.map(({ name, result, stored }) => [
        name,
        int(answered(name, result)),
        ms(result.p50),
        ms(result.p99),
        ms(result.max),
        int(result.ok),
        name.includes("floor") ? "—" : int(stored ?? 0),
        JSON.stringify(
          Object.fromEntries(Object.entries(result.statuses).filter(([code]) => !code.startsWith("2"))),
        ),
        ratio(answered(name, result) / bare.rps),
      ]),
    ),
    "",
    next && floor
      ? `Tally through Next.js reaches **${ratio(nextRatio)}** of the bare baseline and **${ratio(
          next.rps / answered("floor", floor),
        )}** of the framework floor (the most this Next.js server answers per second with no work at all). \`npm run receiver\` reaches **${ratio(
          receiver.rps / bare.rps,
        )}** of the bare baseline.`
      : `No production build: only the receiver was measured (${ratio(receiver.rps / bare.rps)} of bare).`,
  ].join("\n");
  return {
    title: "Ingest",
    markdown,
    targets: [
      {
        name: "ingest ≥ 0.5 of bare (next start)",
        value: next ? ratio(nextRatio) : "no build",
        target: "≥ 0.50×",
        met: next ? nextRatio >= 0.5 : null,
      },
      {
        name: "ingest ≥ 0.5 of bare (npm run receiver)",
        value: ratio(receiver.rps / bare.rps),
        target: "≥ 0.50×",
        met: receiver.rps / bare.rps >= 0.5,
      },
    ],
  };
}
