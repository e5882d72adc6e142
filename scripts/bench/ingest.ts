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

type Round = { name: string; url: string; worker: boolean };

export async function ingestSection(context: Context): Promise<SectionResult> {
  const url = await context.database.create("bench_ingest");
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  const env = { DATABASE_URL: url, STRIPE_WEBHOOK_SECRET: BENCH_STRIPE_SECRET, SIMULATE: "0" };
  const durationMs = Number(process.env.BENCH_SECONDS ?? (context.quick ? 2 : 8)) * 1000;
  const warmupMs = context.quick ? 500 : 2_000;
  const children: Child[] = [];
  let worker: Child | null = null;
  const rows: Row[] = [];
  try {
    const barePort = port();
    const receiverPort = port();
    const nextPort = port();
    children.push(spawnScript("scripts/bench/bare-server.ts", { ...env, BARE_PORT: String(barePort) }));
    children.push(spawnScript("scripts/receiver.ts", { ...env, RECEIVER_PORT: String(receiverPort) }));
    if (context.hasBuild) children.push(spawnNext(context.distDir, nextPort, env));
    const next = (path: string) => `http://127.0.0.1:${nextPort}${path}`;
    const receiver = `http://127.0.0.1:${receiverPort}/api/webhooks/stripe`;

    // Rounds without the worker first (its backlog then waits), then with it, as `npm start` runs.
    let rounds: Round[] = [
      { name: "bare node:http + INSERT", url: `http://127.0.0.1:${barePort}/`, worker: false },
      ...(context.hasBuild
        ? [
            {
              name: "next start: framework floor (404, no DB)",
              url: next("/api/webhooks/none"),
              worker: false,
            },
          ]
        : []),
      { name: "npm run receiver, worker idle", url: receiver, worker: false },
      ...(context.hasBuild
        ? [
            {
              name: "next start: Tally webhook route, worker idle",
              url: next("/api/webhooks/stripe"),
              worker: false,
            },
          ]
        : []),
      ...(context.hasBuild
        ? [
            {
              name: "next start: Tally webhook route, worker running",
              url: next("/api/webhooks/stripe"),
              worker: true,
            },
          ]
        : []),
      { name: "npm run receiver, worker running", url: receiver, worker: true },
    ];
    // BENCH_TARGETS=bare,receiver narrows the run while tuning (rounds whose name contains a word).
    const only = process.env.BENCH_TARGETS?.split(",");
    if (only) rounds = rounds.filter((round) => only.some((word) => round.name.includes(word)));
    for (const round of rounds) await waitForHttp(round.url, 120_000);

    let index = 0;
    for (const round of rounds) {
      index++;
      if (round.worker && !worker) {
        // The idle rounds' events were counted; the worker starts on an empty queue instead of their backlog.
        await sql`truncate events restart identity cascade`;
        worker = spawnScript("scripts/worker.ts", env);
      }
      const prefix = `ing${index}`;
      // No round inherits a checkpoint the rounds before it set off (see end-to-end.ts).
      await sql`checkpoint`;
      const bodies = deliveries(prefix, Math.ceil((durationMs + warmupMs) * 5));
      const warmup = Math.ceil(warmupMs * 2);
      await closedLoop(round, bodies.slice(0, warmup), { connections: CONNECTIONS, durationMs: warmupMs });
      if (round.worker) await drained(sql, 60_000);
      const result = await closedLoop(round, bodies.slice(warmup), { connections: CONNECTIONS, durationMs });
      const [stored] = await sql<{ n: number }[]>`
        select (select count(*)::int from events where provider_event_id = any(${result.acknowledged}))
             + (select count(*)::int from bare_events where provider_event_id = any(${result.acknowledged})) as n`;
      rows.push({ name: round.name, result, stored: stored!.n });
      // The worker's backlog from this round must not steal CPU from the next one.
      if (round.worker) await drained(sql, 120_000);
    }
  } finally {
    await Promise.all([...children, ...(worker ? [worker] : [])].map((child) => child.stop()));
    await sql.end();
  }

  const find = (words: string) => rows.find((row) => row.name.includes(words))?.result;
  const bare = find("bare") ?? rows[0]!.result;
  const floor = find("floor");
  const nextRunning = find("webhook route, worker running");
  const nextIdle = find("webhook route, worker idle");
  const receiverIdle = find("receiver, worker idle");
  const receiverRunning = find("receiver, worker running");
  const vsBare = (result: LoadResult | undefined) => (result ? result.rps / bare.rps : NaN);
  const markdown = [
    `${CONNECTIONS} keep-alive connections, closed loop, ${durationMs / 1000} s per round after a ${
      warmupMs / 1000
    } s warm-up; every delivery is a unique, pre-signed \`payment_intent.succeeded\` event of ${
      deliveries("x", 1)[0]!.body.length
    } bytes. The bare baseline checks the same signature with the same code and makes each event durable with one \`INSERT … ON CONFLICT DO NOTHING\` (one primary key) on the same PostgreSQL. Tally stores the full event row (raw body, parsed payload, kept headers, the events table's indexes for the dashboard and the worker's claims). "Worker idle" rounds run before a worker process exists (their events wait); "worker running" rounds have \`scripts/worker.ts\` applying every event as it arrives, as \`npm start\` does, on the same two cores. The framework floor is the same Next.js server answering \`POST /api/webhooks/none\` (the webhook route's 404 for an unknown provider: no body read, no database work). "Stored" counts the acknowledged event ids found in the database afterwards.`,
    "",
    table(
      ["round", "requests/s", "p50 ms", "p99 ms", "max ms", "2xx", "stored", "other statuses", "vs bare"],
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
    ...(floor && nextIdle && nextRunning
      ? [
          `Next.js itself answers at most ${int(answered("floor", floor))} requests/s here with no work at all (${ratio(
            answered("floor", floor) / bare.rps,
          )} of bare), so no route of it can reach 0.5× of bare on this machine. Tally's webhook route reaches ${ratio(
            nextIdle.rps / answered("floor", floor),
          )} of that floor with the worker idle and ${ratio(nextRunning.rps / answered("floor", floor))} with it running.`,
        ]
      : []),
    receiverIdle
      ? `\`npm run receiver\` (the same lib/inbox code on node:http) reaches ${ratio(vsBare(receiverIdle))} of bare with the worker idle${
          receiverRunning
            ? ` and ${ratio(vsBare(receiverRunning))} while the worker applies every event on the same cores`
            : ""
        }.`
      : "",
  ].join("\n");
  const target = (name: string, result: LoadResult | undefined) => ({
    name,
    value: result ? ratio(vsBare(result)) : "not measured",
    target: "≥ 0.50×",
    met: result ? vsBare(result) >= 0.5 : null,
  });
  return {
    title: "Ingest",
    markdown,
    targets: [
      target("ingest vs bare: next start, worker running", nextRunning),
      target("ingest vs bare: next start, worker idle", nextIdle),
      target("ingest vs bare: npm run receiver, worker idle", receiverIdle),
      target("ingest vs bare: npm run receiver, worker running", receiverRunning),
    ],
  };
}
