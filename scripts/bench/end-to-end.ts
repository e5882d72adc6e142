/**
 * End-to-end: webhooks at fixed rates (100/s, 300/s) and then as fast as
 * they are taken, through each setup the docs recommend (and `next start` +
 * 2 workers, the setup that used to stall), with workers applying them.
 * Lag is processed_at − received_at of each event, from the events table;
 * the backlog (pending + processing + retrying) is sampled twice a second.
 * Every phase is observed: CPU per process group, event-loop delay and GC
 * pauses in the servers and workers, PostgreSQL waits, WAL fsyncs and
 * checkpoints, so a stall shows its cause. Then the drain benchmark
 * (scripts/bench/drain.ts): how fast 1 and 2 worker processes empty a
 * backlog of realistic payment histories.
 */
import postgres from "postgres";
import type { Context, SectionResult, Target } from "./support/context";
import { closedLoop, fixedRate, worstBySlice, type LoadResult } from "./support/load";
import { observe, type Observation } from "./support/observe";
import { runScript } from "./support/processes";
import {
  backlog,
  CORES,
  drained,
  quietDisk,
  runtimeLine,
  postgresLine,
  postgresKindsLine,
  profileRows,
  schedLine,
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
import { cpu as cpuMs, int, ms, table } from "./support/stats";
import { code, statementLabel } from "./support/statements";
import { BENCH_STRIPE_SECRET, deliveries } from "./support/stripe-bodies";

type Phase = {
  setup: string;
  label: string;
  rate: number | null;
  /** Measured straight after start, before the warm-up: reported, never held to a target. */
  cold: boolean;
  load: LoadResult;
  lag: { p50: number; p95: number; p99: number; processed: number };
  backlog: { max: number; end: number; drainMs: number };
  observation: Observation;
};

type SetupPlan = {
  label: string;
  /** Recommended in README / docs/scaling.md: held to the targets. */
  recommended: boolean;
  rates: (number | null)[];
  /** Also measured at 300/s straight after start, before the warm-up. */
  cold?: boolean;
  start: (context: Context, env: Record<string, string>) => Promise<Setup>;
};

const SETUPS: SetupPlan[] = [
  {
    label: "npm start (web + 1 worker)",
    recommended: true,
    rates: [100, 300, null],
    cold: true,
    start: (context, env) => startNpmStart(context, env, { worker: true }),
  },
  {
    label: "npm start + npm run worker (web + 2 workers)",
    recommended: true,
    rates: [300, null],
    start: async (context, env) => withWorkers(await startNpmStart(context, env, { worker: true }), env, 1),
  },
  {
    label: "npm run receiver + 2 × npm run worker",
    recommended: true,
    rates: [300, null],
    start: async (_context, env) => withWorkers(await startReceiver(env), env, 2),
  },
  {
    // The setup that stalled for seconds when npm start served webhooks through Next.js.
    label: "next start (route handler) + 2 × npm run worker",
    recommended: false,
    rates: [300],
    cold: true,
    start: async (context, env) => withWorkers(await startNextRoute(context, env), env, 2),
  },
];

async function lagOf(sql: postgres.Sql, prefix: string) {
  const [row] = await sql<{ p50: number; p95: number; p99: number; processed: number }[]>`
    select
      coalesce(percentile_cont(0.50) within group (order by lag), 0)::float as p50,
      coalesce(percentile_cont(0.95) within group (order by lag), 0)::float as p95,
      coalesce(percentile_cont(0.99) within group (order by lag), 0)::float as p99,
      count(*)::int as processed
    from (
      select extract(epoch from processed_at - received_at) * 1000 as lag
      from events where provider_event_id like ${"evt_" + prefix + "\\_%"} and processed_at is not null
    ) lags`;
  return row!;
}

async function phase(
  sql: postgres.Sql,
  setup: Setup,
  setupLabel: string,
  rate: number | null,
  durationMs: number,
  prefix: string,
  { profile = false, cold = false } = {},
): Promise<Phase> {
  await quietDisk(sql);
  const bodies = deliveries(prefix, Math.ceil(((rate ?? 3_000) * durationMs) / 1000) + 10);
  let max = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      max = Math.max(max, await backlog(sql));
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  })();
  const stop = await observe(sql, setup, { profile });
  const load =
    rate === null
      ? await closedLoop({ url: setup.webhookUrl }, bodies, { connections: 16, durationMs })
      : await fixedRate({ url: setup.webhookUrl }, bodies, { rate, durationMs });
  sampling = false;
  await sampler;
  const end = await backlog(sql);
  const drainStarted = performance.now();
  await drained(sql, 180_000);
  const drainMs = end === 0 ? 0 : performance.now() - drainStarted;
  const observation = await stop();
  // BENCH_TIMELINE=1: each half second of the phase, to line a stall up with what PostgreSQL and the servers did.
  if (process.env.BENCH_TIMELINE) {
    const worst = worstBySlice(load, 500);
    console.error(
      `\n${setupLabel} at ${rate ?? "max"}: load generator at worst ${Math.round(load.sendLateMs)} ms late; half-second slices (worst ack ms | WAL KB | full-page images | flush waits | loop lag per process | autovacuum)`,
    );
    const processes = Object.entries(observation.probes).flatMap(([group, probes]) =>
      probes.map((probe) => ({ name: `${group} ${probe.pid}`, timeline: probe.timeline })),
    );
    console.error(`  loop lag and GC ≥ 10 ms per process: ${processes.map((p) => p.name).join(" | ")}`);
    worst.forEach((ack, slice) => {
      const pg = observation.pg.timeline[slice];
      const loops = processes.map(({ timeline }) => {
        const gc = (timeline?.longGc ?? []).filter(([at]) => Math.floor(at / 500) === slice);
        return `${timeline?.lagBySlice[slice] ?? "-"}${gc.length ? ` gc ${gc.map(([, ms, kind]) => `${ms}${kind === 4 ? "M" : ""}`).join(",")}` : ""}`;
      });
      console.error(
        `  ${(slice / 2).toFixed(1).padStart(5)} s  ${String(Math.round(ack)).padStart(6)}  ${String(Math.round((pg?.walBytes ?? 0) / 1024)).padStart(6)}  ${String(pg?.fullPages ?? 0).padStart(5)}  ${String(pg?.flushWaits ?? 0).padStart(4)}  ${loops.join(" | ")}  ${pg?.vacuuming ?? ""}`,
      );
    });
    for (const [group, probes] of Object.entries(observation.probes))
      for (const probe of probes)
        console.error(`  ${group} ${probe.pid}: ${JSON.stringify({ loop: probe.loopDelay, gc: probe.gc })}`);
  }
  return {
    setup: setupLabel,
    label: rate === null ? "max (16 connections)" : `${rate}/s${cold ? ", cold start" : ""}`,
    rate,
    cold,
    load,
    lag: await lagOf(sql, prefix),
    backlog: { max, end, drainMs },
    observation,
  };
}

/**
 * Deliveries a setup answers (closed loop, 8 connections) before its measured
 * phases. V8 optimises Next.js's request path only after a few thousand
 * requests: warmed with 400, the first 300/s phase of \`next start\` fell
 * seconds behind while V8's compiler threads took a quarter to 40% of a core
 * and each request cost its main thread about 1.4 times its later CPU;
 * warmed with 3,000 it kept up. The cold-start phases measure those first
 * seconds on purpose.
 */
const WARM_UP_DELIVERIES = 3_000;
/** What a cold-start phase waits for: the route loaded, the workers up and applying. */
const FIRST_CONTACT_DELIVERIES = 50;

/** Has the setup answer `count` fresh deliveries, closed loop, before anything is measured. */
const answer = (url: string, prefix: string, count: number, connections: number) =>
  closedLoop({ url }, deliveries(prefix, count), { connections, durationMs: 60_000 });

const isFlat = (p: Phase) => p.backlog.end <= Math.max(20, (p.rate ?? p.load.rps) / 2);

export async function endToEndSection(context: Context): Promise<SectionResult> {
  const durationMs = Number(process.env.BENCH_SECONDS ?? (context.quick ? 3 : 15)) * 1000;
  const only = process.env.BENCH_SETUPS?.split(",");
  const plans = SETUPS.filter(
    (plan) =>
      (!only || only.some((word) => plan.label.includes(word))) &&
      (context.hasBuild || !plan.label.startsWith("next")),
  );
  const profiled = plans.filter((plan) => plan.rates.includes(300));
  const progress = context.progress(
    1 + plans.reduce((sum, plan) => sum + plan.rates.length + (plan.cold ? 1 : 0), 0) + profiled.length + 1,
  );
  const phases: Phase[] = [];
  const profiles: Phase[] = [];
  const url = await context.database.create("bench_e2e");
  const sql = postgres(url, { max: 3, onnotice: () => {} });
  const env = { DATABASE_URL: url, STRIPE_WEBHOOK_SECRET: BENCH_STRIPE_SECRET, SIMULATE: "0" };
  let control: Phase | null = null;
  try {
    // Control: the bare baseline at the same open-loop rate, no processing. Its tail is
    // the machine's own (fsync and scheduling stalls), which no server on it can beat.
    progress.step("control: bare baseline at 300/s");
    const bare = await startBare(env);
    try {
      await answer(bare.webhookUrl, "e2ebarewarm", WARM_UP_DELIVERIES, 8);
      control = await phase(sql, bare, "bare baseline (control)", 300, durationMs, "e2ebare");
    } finally {
      await bare.stop();
    }
    progress.tick();
    for (const [index, plan] of plans.entries()) {
      progress.step(`starting ${plan.label}`);
      const setup = await plan.start(context, env);
      try {
        if (plan.cold) {
          progress.step(`${plan.label} at 300/s, cold start`);
          await answer(setup.webhookUrl, `e2efirst${index}`, FIRST_CONTACT_DELIVERIES, 1);
          await drained(sql, 60_000);
          phases.push(
            await phase(sql, setup, plan.label, 300, durationMs, `e2es${index}cold`, { cold: true }),
          );
          progress.tick();
        }
        // Warm the path (V8's optimised code, caches, pools) and let the workers come up on it.
        await answer(setup.webhookUrl, `e2ewarm${index}`, WARM_UP_DELIVERIES, 8);
        await drained(sql, 60_000);
        for (const rate of plan.rates) {
          progress.step(`${plan.label} at ${rate === null ? "max" : `${rate}/s`}`);
          phases.push(await phase(sql, setup, plan.label, rate, durationMs, `e2es${index}r${rate ?? "max"}`));
          progress.tick();
        }
        // A shorter window at 300/s with the sampling profiler on, apart from the measured phases.
        if (profiled.includes(plan)) {
          progress.step(`profiling ${plan.label} at 300/s`);
          const window = Math.min(durationMs, 5_000);
          profiles.push(
            await phase(sql, setup, plan.label, 300, window, `e2es${index}prof`, { profile: true }),
          );
          progress.tick();
        }
      } finally {
        await setup.stop();
      }
    }
  } finally {
    await sql.end();
  }

  progress.step("drain benchmark");
  const drainEvents = context.quick ? 1_000 : 5_000;
  const drainUrl = await context.database.create("bench_drain");
  const drain = await runScript("scripts/bench/drain.ts", [String(drainEvents), "1,2"], {
    DATABASE_URL: drainUrl,
  });
  progress.tick();
  return report(phases, control, plans, drain, durationMs, profiles);
}

function report(
  phases: Phase[],
  control: Phase | null,
  plans: SetupPlan[],
  drain: string,
  durationMs: number,
  profiles: Phase[],
): SectionResult {
  const seconds = durationMs / 1000;
  const parts: string[] = [
    `Each setup runs its web process and workers on this machine's ${CORES} cores beside PostgreSQL and the load generator, ${seconds} s per phase, after a checkpoint. Each setup first answers ${int(WARM_UP_DELIVERIES)} deliveries (closed loop, 8 connections) so V8 has optimised its code, except in a "cold start" phase, which runs before that warm-up, as soon as the setup has answered and applied ${FIRST_CONTACT_DELIVERIES} deliveries. Fixed rates are an open loop (latency counted from when each request was due, so stalls are not hidden); "max" is a closed loop. Lag = processed_at − received_at per event, from the events table. Backlog = events pending, processing or retrying, sampled every 0.5 s; "flat" means the phase ended with at most half a second of deliveries waiting. "npm start" is \`scripts/start.ts\` itself (its web process answers webhooks on node:http; its worker runs in its main process); extra workers are \`npm run worker\` processes.`,
    "",
    table(
      [
        "setup",
        "rate",
        "achieved/s",
        "ack p50 ms",
        "ack p99 ms",
        "ack max ms",
        "lag p50 ms",
        "lag p95 ms",
        "processed",
        "backlog max",
        "backlog at end",
        "drained after",
        "flat",
      ],
      phases.map((p) => [
        p.setup,
        p.label,
        int(p.load.rps),
        ms(p.load.p50),
        ms(p.load.p99),
        ms(p.load.max),
        ms(p.lag.p50),
        ms(p.lag.p95),
        `${int(p.lag.processed)}/${int(p.load.ok)}`,
        int(p.backlog.max),
        int(p.backlog.end),
        `${(p.backlog.drainMs / 1000).toFixed(1)} s`,
        isFlat(p) ? "yes" : "no",
      ]),
    ),
    "",
  ];
  if (control)
    parts.push(
      `Control, the same open loop at 300/s against the bare baseline (node:http, signature check, one-index insert, no processing): ack p50 ${ms(
        control.load.p50,
      )} ms, p99 ${ms(control.load.p99)} ms, max ${ms(control.load.max)} ms. At 300/s for ${seconds} s the p99 is the ${int(
        Math.ceil(3 * seconds),
      )}th-slowest of ${int(300 * seconds)} replies: any stall of about ${int(durationMs / 100)} ms in the phase sets it on its own.`,
      "",
    );
  const coldLines = phases
    .filter((p) => p.cold)
    .map((cold) => {
      const warm = phases.find((p) => p.setup === cold.setup && p.rate === cold.rate && !p.cold);
      const web = (p: Phase) => cpuMs((p.observation.cpuMs.web ?? 0) / Math.max(1, p.load.ok));
      return `- ${cold.setup}: ack p99 ${ms(cold.load.p99)} ms, max ${ms(cold.load.max)} ms; web process ${web(cold)} ms of CPU per event${
        warm
          ? `; warm: p99 ${ms(warm.load.p99)} ms, max ${ms(warm.load.max)} ms, web ${web(warm)} ms per event`
          : ""
      }.`;
    });
  if (coldLines.length)
    parts.push(
      `Straight after start, at 300/s (the cold-start phases), against the same setup warmed up:`,
      "",
      ...coldLines,
      "",
    );
  const observed = control ? [control, ...phases] : phases;
  parts.push(
    "### What each phase cost and waited on",
    "",
    "CPU per acknowledged event (user + system from /proc, observed until the last event was applied) by process group; the event loops' delay (perf_hooks.monitorEventLoopDelay) and GC pauses (PerformanceObserver) inside the web process and the workers; what PostgreSQL's backends waited on (pg_stat_activity sampled every 50 ms), WAL fsyncs (pg_stat_io with track_wal_io_timing) and checkpoints. The worst latency per half second locates a stall in time.",
    "",
    table(
      [
        "setup",
        "rate",
        "web ms",
        "worker ms",
        "PostgreSQL ms",
        "PostgreSQL by process, ms",
        "load ms",
        "web process",
        "workers",
        "main threads per event (web; workers)",
        "PostgreSQL waits",
        "WAL fsyncs/event × mean",
        "checkpoints",
        "worst ack per 0.5 s, ms",
      ],
      observed.map((p) => {
        const events = Math.max(1, p.load.ok);
        const cpu = (group: string) =>
          p.observation.cpuMs[group] === undefined ? "—" : cpuMs(p.observation.cpuMs[group]! / events);
        const measured: Measured = { load: p.load, rate: 0, answered: events, observation: p.observation };
        const line = postgresLine({
          load: p.load,
          rate: p.load.rps,
          answered: events,
          observation: p.observation,
        });
        const worst = worstBySlice(p.load, 500);
        return [
          p.setup,
          p.label,
          cpu("web"),
          cpu("worker"),
          cpu("postgres"),
          postgresKindsLine(measured),
          cpu("load"),
          runtimeLine(measured, "web"),
          runtimeLine(measured, "worker"),
          `${schedLine(measured, "web")}; ${schedLine(measured, "worker")}`,
          line.waits,
          line.fsync,
          line.checkpoints,
          worst.length ? `${worst.map((value) => Math.round(value)).join(" ")}` : "closed loop",
        ];
      }),
    ),
    "",
    "### PostgreSQL statements per acknowledged event at 300/s",
    "",
    "The statements each setup ran most often per acknowledged event (pg_stat_statements), with their execution time and WAL per event: how many claims, commits and wake-ups each event cost.",
    "",
    ...observed
      .filter((p) => p.rate === 300)
      .flatMap((p) => [
        `${p.setup}:`,
        "",
        table(
          ["statement", "calls/event", "rows/call", "time/event", "WAL/event"],
          [...p.observation.statements]
            .sort((a, b) => b.calls - a.calls)
            .slice(0, 6)
            .map((statement) => [
              code(statementLabel(statement.query, 60)),
              (statement.calls / Math.max(1, p.load.ok)).toFixed(2),
              (statement.rows / statement.calls).toFixed(1),
              `${Math.round((statement.exec_ms * 1000) / Math.max(1, p.load.ok))} µs`,
              `${int(statement.wal_bytes / Math.max(1, p.load.ok))} B`,
            ]),
        ),
        "",
      ]),
    "### Where the CPU goes at 300/s",
    "",
    "A further, shorter window at 300/s per setup with the V8 sampling profiler on in the web process and every worker (0.5 ms interval; the figures above come from unprofiled phases). Self time per function per acknowledged event. The profiler samples wall time, so a thread waiting for a core is charged to the function it was in (mostly the native socket writes); the main thread's time on and waiting for a CPU is given per process.",
    "",
    ...profiles.flatMap((p) => {
      const measured: Measured = {
        load: p.load,
        rate: 0,
        answered: Math.max(1, p.load.ok),
        observation: p.observation,
      };
      return [
        `#### ${p.setup}`,
        "",
        `PostgreSQL by process, ms per event: ${postgresKindsLine(measured)}.`,
        "",
        ...profileRows(measured).flatMap(({ group, rows, areas }) => [
          `${group} process: ${areas}`,
          "",
          table(["function", "where", "self per event", "share"], rows),
          "",
        ]),
      ];
    }),
    "### Drain rate (scripts/bench/drain.ts)",
    "",
    "```",
    drain.trim(),
    "```",
  );

  const targets: Target[] = [];
  for (const plan of plans.filter((candidate) => candidate.recommended)) {
    const mine = phases.filter((p) => p.setup === plan.label && !p.cold);
    const at300 = mine.find((p) => p.rate === 300);
    const unsaturated = mine.filter((p) => p.rate !== null);
    if (!at300) continue;
    targets.push(
      {
        name: `p99 ack < 50 ms at 300/s, processing on — ${plan.label}`,
        value: `${ms(at300.load.p99)} ms`,
        target: "< 50 ms",
        met: at300.load.p99 < 50,
        ...(at300.load.p99 < 50 ? {} : { reason: stallReason(at300, control) }),
      },
      {
        name: `backlog flat (fixed rates) — ${plan.label}`,
        value: unsaturated.map((p) => `${p.label}: end ${p.backlog.end}, max ${p.backlog.max}`).join("; "),
        target: "flat",
        met: unsaturated.every(isFlat),
      },
      {
        name: `lag p95 < 100 ms when not saturated — ${plan.label}`,
        value: unsaturated
          .map((p) => `${p.label}: ${ms(p.lag.p95)} ms${isFlat(p) ? "" : " (saturated: backlog grew)"}`)
          .join("; "),
        target: "< 100 ms",
        met: unsaturated.filter(isFlat).every((p) => p.lag.p95 < 100) && unsaturated.some(isFlat),
      },
    );
  }
  return { title: "End-to-end", markdown: parts.join("\n"), targets };
}

/** What a slow phase measured: the machine's own stalls (the control), its CPU, fsyncs, GC and event loops. */
function stallReason(p: Phase, control: Phase | null): string {
  const { pg, machine, probes } = p.observation;
  const loops = [...(probes.web ?? []), ...(probes.worker ?? [])];
  const worstLoop = Math.max(0, ...loops.map((probe) => probe.loopDelay.max));
  const worstGc = Math.max(0, ...loops.map((probe) => probe.gc.maxMs));
  const parts = [
    `machine ${Math.round((100 * machine.busyMs) / Math.max(1, machine.capacityMs))}% busy`,
    `WAL fsync mean ${ms(pg.wal.fsyncMs / Math.max(1, pg.wal.fsyncs))} ms`,
    `worst event-loop delay ${ms(worstLoop)} ms, GC pause ${ms(worstGc)} ms`,
  ];
  const worst = worstBySlice(p.load, 500);
  const slice = worst.indexOf(Math.max(...worst));
  if (slice >= 0) {
    // What every process did in the half second with the slowest acknowledgement.
    const seen = Object.entries(probes).flatMap(([group, list]) =>
      list.map((probe) => {
        const gc = (probe.timeline?.longGc ?? []).filter(([at]) => Math.floor(at / 500) === slice);
        const lag = probe.timeline?.lagBySlice[slice] ?? 0;
        return `${group} loop ${lag} ms late${gc.length ? ` (GC ${gc.map(([, pause]) => pause).join(", ")} ms)` : ""}`;
      }),
    );
    parts.push(
      `slowest half second at ${(slice / 2).toFixed(1)} s (worst ack ${int(worst[slice]!)} ms): ${
        seen.join(", ") || "no probe"
      }; WAL ${int((pg.timeline[slice]?.walBytes ?? 0) / 1024)} KB then`,
    );
  }
  if (control) parts.push(`the bare control at 300/s: p99 ${ms(control.load.p99)} ms`);
  return parts.join("; ");
}
