/**
 * Ingest: signed Stripe webhooks acknowledged per second, closed loop, by
 *
 * - the bare baseline (node:http + signature check + one-index insert);
 * - `npm start` (its web process answers webhooks itself), worker idle
 *   (WORKER=off) and with its worker applying every event;
 * - the Next.js route handler under `next start`, against the framework
 *   floor: the same server answering the route's 404 (no body, no database);
 * - `npm run receiver`, idle and beside a worker.
 *
 * Every round is observed (CPU per process group, PostgreSQL waits and WAL,
 * event-loop delay and GC in the servers), each is run BENCH_REPEAT times
 * (best kept: interference from other load only ever slows a round), and a
 * last, profiled window per setup shows where the CPU goes.
 */
import postgres from "postgres";
import type { Context, SectionResult, Target } from "./support/context";
import {
  closedRound,
  cpuPerEvent,
  limitOf,
  machineLine,
  postgresLine,
  profileRows,
  postgresKindsLine,
  runtimeLine,
  schedLine,
  statementRows,
  type Measured,
} from "./support/rounds";
import {
  startBare,
  startNextRoute,
  startNpmStart,
  startReceiver,
  withWorkers,
  type Setup,
} from "./support/servers";
import { runScript } from "./support/processes";
import { cpu, int, ms, ratio, table } from "./support/stats";
import { BENCH_STRIPE_SECRET, deliveries } from "./support/stripe-bodies";

export const CONNECTIONS = 16;

type Round = {
  key: string;
  name: string;
  setup: string;
  path: string;
  /** Every answer counts (the floor's 404s), not only 2xx. */
  countAll?: boolean;
  /** A worker applies every event: observed until the last one is applied. */
  applied?: boolean;
};

const ROUNDS_IDLE: Round[] = [
  { key: "bare", name: "bare node:http + verify + INSERT", setup: "bare", path: "/" },
  {
    key: "npm",
    name: "npm start (web process), worker idle",
    setup: "npm",
    path: "/api/webhooks/stripe",
  },
  {
    key: "floor",
    name: "next start: empty-route floor (404, no DB)",
    setup: "next",
    path: "/api/webhooks/none",
    countAll: true,
  },
  {
    key: "route",
    name: "next start: Tally route handler, worker idle",
    setup: "next",
    path: "/api/webhooks/stripe",
  },
  { key: "receiver", name: "npm run receiver, worker idle", setup: "receiver", path: "/api/webhooks/stripe" },
];

const ROUNDS_APPLIED: Round[] = [
  {
    key: "npmApplied",
    name: "npm start, its worker applying every event",
    setup: "npmApplied",
    path: "/api/webhooks/stripe",
    applied: true,
  },
  {
    key: "receiverApplied",
    name: "npm run receiver + npm run worker applying every event",
    setup: "receiverApplied",
    path: "/api/webhooks/stripe",
    applied: true,
  },
];

export async function ingestSection(context: Context): Promise<SectionResult> {
  const url = await context.database.create("bench_ingest");
  const sql = postgres(url, { max: 3, onnotice: () => {} });
  const env = { DATABASE_URL: url, STRIPE_WEBHOOK_SECRET: BENCH_STRIPE_SECRET, SIMULATE: "0" };
  const durationMs = Number(process.env.BENCH_SECONDS ?? (context.quick ? 2 : 8)) * 1000;
  // Best of three: on this shared host one round in two or three is slowed by others'
  // load, and with two the ratios moved by a third between runs of the same code.
  const repeat = Number(process.env.BENCH_REPEAT ?? (context.quick ? 1 : 3));
  const only = process.env.BENCH_TARGETS?.split(",");
  const wanted = (round: Round) => !only || only.some((word) => round.key.includes(word));
  const idle = ROUNDS_IDLE.filter((round) => wanted(round) && (round.setup !== "next" || context.hasBuild));
  const applied = ROUNDS_APPLIED.filter(wanted);
  const progress = context.progress((idle.length + applied.length) * (repeat + 1));
  const best = new Map<string, Measured>();
  const profiled = new Map<string, Measured>();
  let sequence = 0;

  const run = async (setup: Setup, round: Round, profile = false) => {
    progress.step(`${profile ? "profiling " : ""}${round.name}`);
    const prefix = `ing${++sequence}`;
    const measured = await closedRound(
      sql,
      setup,
      `${setup.origin}${round.path}`,
      deliveries(prefix, Math.ceil((durationMs / 1000) * 6_000)),
      {
        connections: CONNECTIONS,
        durationMs: profile ? Math.min(durationMs, 4_000) : durationMs,
        warmup: deliveries(`${prefix}w`, 6_000),
        countAll: round.countAll,
        applied: round.applied,
        profile,
      },
    );
    if (!round.countAll) {
      const [row] = await sql<{ n: number }[]>`
        select (select count(*)::int from events where provider_event_id = any(${measured.load.acknowledged}))
             + (select count(*)::int from bare_events where provider_event_id = any(${measured.load.acknowledged})) as n`;
      measured.stored = row!.n;
    }
    progress.tick();
    if (profile) profiled.set(round.key, measured);
    else if (!best.has(round.key) || measured.rate > best.get(round.key)!.rate) best.set(round.key, measured);
  };

  const starters: Record<string, () => Promise<Setup>> = {
    bare: () => startBare(env),
    npm: () => startNpmStart(context, env, { worker: false }),
    next: () => startNextRoute(context, env),
    receiver: () => startReceiver(env),
    npmApplied: () => startNpmStart(context, env, { worker: true }),
    receiverApplied: async () => withWorkers(await startReceiver(env), env, 1),
  };

  try {
    // Idle rounds: every setup up at once, rounds interleaved so slow drift in the machine hits all alike.
    const setups = new Map<string, Setup>();
    try {
      for (const round of idle)
        if (!setups.has(round.setup)) setups.set(round.setup, await starters[round.setup]!());
      for (let pass = 0; pass < repeat; pass++)
        for (const round of idle) await run(setups.get(round.setup)!, round);
      for (const round of idle) await run(setups.get(round.setup)!, round, true);
    } finally {
      await Promise.all([...setups.values()].map((setup) => setup.stop()));
    }
    // The idle rounds' events were counted; a worker starts on an empty queue instead of their backlog.
    await sql`truncate events restart identity cascade`;
    for (const round of applied) {
      const setup = await starters[round.setup]!();
      try {
        for (let pass = 0; pass < repeat; pass++) await run(setup, round);
        await run(setup, round, true);
      } finally {
        await setup.stop();
      }
    }
    progress.done();
  } finally {
    await sql.end();
  }
  const intake = best.has("route") ? await intakeCost(context) : null;
  return report(best, profiled, { durationMs, repeat, intake });
}

/** CPU per event of Tally's intake work alone, with no HTTP server or framework (scripts/bench/intake-cost.ts). */
type IntakeCost = { events: number; inFlight: number; plainUs: number; inContextUs: number };

async function intakeCost(context: Context): Promise<IntakeCost> {
  const url = await context.database.create("bench_intake");
  const out = await runScript("scripts/bench/intake-cost.ts", [context.quick ? "1000" : "6000"], {
    DATABASE_URL: url,
    STRIPE_WEBHOOK_SECRET: BENCH_STRIPE_SECRET,
    LOG_LEVEL: "warn",
  });
  return JSON.parse(out.trim().split("\n").at(-1)!) as IntakeCost;
}

function report(
  best: Map<string, Measured>,
  profiled: Map<string, Measured>,
  { durationMs, repeat, intake }: { durationMs: number; repeat: number; intake: IntakeCost | null },
): SectionResult {
  const all = [...ROUNDS_IDLE, ...ROUNDS_APPLIED].filter((round) => best.has(round.key));
  const bare = best.get("bare");
  const floor = best.get("floor");
  const vsBare = (measured: Measured) => (bare ? measured.rate / bare.rate : NaN);
  const markdown: string[] = [
    `${CONNECTIONS} keep-alive connections, closed loop, ${durationMs / 1000} s per round after a 2 s warm-up, best of ${repeat} (rounds interleaved; other load on the machine only ever slows a round). Every delivery is a unique, pre-signed \`payment_intent.succeeded\` event of ${
      deliveries("x", 1)[0]!.body.length
    } bytes. The bare baseline checks the same signature with the same code and makes each event durable with one \`INSERT … ON CONFLICT DO NOTHING\` (one primary key) on the same PostgreSQL. Tally stores the full event row (raw body, parsed payload, kept headers, the events table's indexes). "npm start" is \`scripts/start.ts\` itself on the bench's database: its web process (\`scripts/web-server.ts\`) answers \`/api/webhooks/*\` through lib/inbox on node:http and hands everything else to Next.js; "worker idle" runs it with \`WORKER=off\`, "applying every event" with its worker on, observed until the last event is applied. The empty-route floor is \`next start\` answering \`POST /api/webhooks/none\` (the route's 404: no body read, no database work). "Stored" counts the acknowledged event ids found in the database afterwards.`,
    "",
    table(
      [
        "round",
        "requests/s",
        "p50 ms",
        "p99 ms",
        "max ms",
        "acknowledged",
        "stored",
        "other statuses",
        "vs bare",
      ],
      all.map((round) => {
        const measured = best.get(round.key)!;
        return [
          round.name,
          int(measured.rate),
          ms(measured.load.p50),
          ms(measured.load.p99),
          ms(measured.load.max),
          int(measured.load.ok),
          round.countAll ? "—" : int(measured.stored ?? 0),
          JSON.stringify(
            Object.fromEntries(
              Object.entries(measured.load.statuses).filter(([code]) => !code.startsWith("2")),
            ),
          ),
          ratio(vsBare(measured)),
        ];
      }),
    ),
    "",
    "### CPU per acknowledged event",
    "",
    "CPU time (user + system, from /proc) of each process group during the round divided by the events answered: the web process (or the server under test), the worker (`npm start`'s main process, which holds its worker; or the `npm run worker` process), every PostgreSQL process, and the load generator. With a worker applying every event, the round is observed until the last one is applied, so the worker's and PostgreSQL's figures include applying it. \"Machine busy\" is the whole machine's CPU during the round (others' work included). \"Web main thread\" is the server's JavaScript thread from /proc/self/schedstat: time on a CPU, time runnable but waiting while other processes (PostgreSQL backends it just woke, the load generator) had both cores, and how often it was preempted.",
    "",
    table(
      [
        "round",
        "web ms",
        "worker ms",
        "PostgreSQL ms",
        "PostgreSQL by process, ms",
        "load generator ms",
        "total ms",
        "machine busy",
        "web process",
        "web main thread per event",
      ],
      all.map((round) => {
        const measured = best.get(round.key)!;
        const per = cpuPerEvent(measured);
        return [
          round.name,
          cpu(per.web ?? 0),
          per.worker === undefined ? "—" : cpu(per.worker),
          cpu(per.postgres ?? 0),
          postgresKindsLine(measured),
          cpu(per.load ?? 0),
          cpu(per.total),
          machineLine(measured),
          runtimeLine(measured, "web"),
          schedLine(measured, "web"),
        ];
      }),
    ),
    "",
    "### PostgreSQL per acknowledged event",
    "",
    table(
      ["round", "WAL", "WAL fsyncs × mean", "checkpoints", "backends waited on"],
      all
        .filter((round) => !round.countAll)
        .map((round) => {
          const line = postgresLine(best.get(round.key)!);
          return [round.name, line.wal, line.fsync, line.checkpoints, line.waits];
        }),
    ),
    "",
  ];
  if (floor) {
    const route = best.get("route");
    markdown.push(
      `Next.js alone answers at most ${int(floor.rate)} requests/s here with no work at all (${ratio(
        vsBare(floor),
      )} of bare).${route ? ` Tally's route handler reaches ${ratio(route.rate / floor.rate)} of that floor.` : ""}`,
      "",
    );
  }
  if (intake)
    markdown.push(
      `The intake work alone, with no HTTP server or framework around it (\`scripts/bench/intake-cost.ts\`: \`receiveWebhook\` called directly, ${intake.inFlight} deliveries in flight, ${int(
        intake.events,
      )} events, after a warm-up): ${cpu(intake.plainUs / 1000)} ms of CPU per event, ${cpu(
        intake.inContextUs / 1000,
      )} ms inside an active AsyncLocalStorage as Next.js runs every request (Node then runs its promise hooks on every promise). That is checking the signature, parsing the event, one share of a group insert and its commit, and the reply: what verifying and durably storing an event costs Tally's request thread before any HTTP server or framework adds its own, so no server built on this intake can spend less.`,
      "",
    );
  markdown.push(...profileSection(profiled, all));

  const targets: Target[] = [];
  const against = (
    key: string,
    name: string,
    goal: number,
    base: Measured | undefined,
    baseName: string,
    why: (measured: Measured, base: Measured) => string = limitOf,
  ) => {
    const measured = best.get(key);
    if (!measured || !base)
      return targets.push({ name, value: "not measured", target: `≥ ${goal}×`, met: null });
    const value = measured.rate / base.rate;
    targets.push({
      name,
      value: `${ratio(value)} (${int(measured.rate)} vs ${int(base.rate)}/s)`,
      target: `≥ ${goal.toFixed(2)}× ${baseName}`,
      met: value >= goal,
      ...(value >= goal ? {} : { reason: why(measured, base) }),
    });
  };
  against("npm", "ingest: npm start, worker idle, vs bare", 0.8, bare, "bare");
  against("npmApplied", "ingest: npm start, worker applying every event, vs bare", 0.5, bare, "bare");
  against(
    "route",
    "ingest: Next.js route handler vs Next's empty-route floor",
    0.9,
    floor,
    "floor",
    (route, base) => routeLimit(route, base, best.get("npm"), intake),
  );
  return { title: "Ingest", markdown: markdown.join("\n"), targets };
}

/**
 * Why the route handler stays under 0.9× of the floor, measured: the CPU
 * Tally's intake adds inside Next.js, against the share of the floor's CPU
 * that 0.9× leaves for it (rates on a CPU-bound machine go as 1 / CPU).
 */
function routeLimit(
  route: Measured,
  floor: Measured,
  npm: Measured | undefined,
  intake: IntakeCost | null,
): string {
  const routeWeb = cpuPerEvent(route).web ?? 0;
  const floorWeb = cpuPerEvent(floor).web ?? 0;
  // Rates go as 1 / CPU: 0.9× of the floor leaves a ninth of its CPU for Tally's work.
  const budget = floorWeb / 9;
  const npmWeb = npm
    ? ` (npm start's whole web process, HTTP included: ${cpu(cpuPerEvent(npm).web ?? 0)} ms)`
    : "";
  if (routeWeb - floorWeb <= budget)
    return `Tally's intake added ${cpu(routeWeb - floorWeb)} ms of CPU per request to Next.js's ${cpu(
      floorWeb,
    )} ms, within the ${cpu(budget)} ms that 0.90× allows: the rate fell short for want of CPU (machine ${machineLine(
      route,
    )} busy), not for the route's work`;
  return `${limitOf(route)}. Next.js spends ${cpu(floorWeb)} ms of CPU per request answering nothing and ${cpu(
    routeWeb,
  )} ms with Tally's intake, so verifying, storing and replying cost ${cpu(routeWeb - floorWeb)} ms inside it${npmWeb}; 0.90× of the floor leaves ${cpu(budget)} ms for that work${intake ? intakeAgainst(intake, budget) : ""}`;
}

/** The intake work's own cost beside the route's budget: above it, no route handler could meet the target. */
function intakeAgainst(intake: IntakeCost, budgetMs: number): string {
  const plainMs = intake.plainUs / 1000;
  const inContextMs = intake.inContextUs / 1000;
  const over = inContextMs > budgetMs ? ": more than the budget before Next.js adds anything" : "";
  return `, and that work alone, outside any server, costs ${cpu(plainMs)} ms (${cpu(inContextMs)} ms in Next.js's async context)${over}`;
}

function profileSection(profiled: Map<string, Measured>, rounds: Round[]): string[] {
  const out: string[] = [];
  if (profiled.size === 0) return out;
  out.push(
    "### Where the CPU goes",
    "",
    "A last, shorter window of each round with the V8 sampling profiler on in every server process (0.5 ms interval, through the inspector; the figures above come from unprofiled rounds). Self time per function, per answered event; then the busiest statements in PostgreSQL (pg_stat_statements: calls, execution time and WAL per event). The profiler samples wall time: a thread that is preempted is charged to the function it was in, which on this 2-core machine is mostly the native socket write (`writeBuffer`, `writev`: a write to a loopback socket wakes the PostgreSQL backend or the client on the other end, and the scheduler often hands it the core there and then). The main thread's measured time on a CPU and waiting for one is given under each process, so the profile's busy time splits into work and waiting.",
    "",
  );
  for (const round of rounds) {
    const measured = profiled.get(round.key);
    if (!measured) continue;
    out.push(`#### ${round.name}`, "");
    for (const { group, rows, areas } of profileRows(measured)) {
      out.push(
        `${group} process: ${areas}; main thread ${schedLine(measured, group)} per event`,
        "",
        table(["function", "where", "self per event", "share"], rows),
        "",
      );
    }
    if (!round.countAll) {
      const statements = statementRows(measured);
      if (statements.length)
        out.push(
          table(["PostgreSQL statement", "calls/event", "time/event", "WAL/event", "FPI/event"], statements),
          "",
        );
    }
  }
  return out;
}
