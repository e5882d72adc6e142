/**
 * Dashboard: 1,000,000 stored events (seeded in one generate_series insert
 * by scripts/bench/dashboard-seed.ts), then the overview and explorer query
 * functions timed directly (the same lib/ functions the pages call), and the
 * pages' first render over HTTP through `next start` as a signed-in admin
 * (scripts/bench/dashboard-pages.ts).
 */
import postgres from "postgres";
import { closeDb } from "@/db";
import type { Context, SectionResult } from "./support/context";
import { port, runScript, spawnNext, waitForHttp, type Child } from "./support/processes";
import { ms, table } from "./support/stats";

const RUNS = 5;

async function timeQuery(work: () => Promise<unknown>) {
  const times: number[] = [];
  for (let index = 0; index < RUNS; index++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  const first = times[0]!;
  const warm = times.slice(1).sort((a, b) => a - b);
  return { first, median: warm[Math.floor(warm.length / 2)]!, max: warm.at(-1)! };
}

async function openEvents(url: string): Promise<number> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ count: string }[]>`select count(*) as count from rollup_open_events`;
    return Number(row?.count ?? 0);
  } finally {
    await sql.end();
  }
}

export async function dashboardSection(context: Context): Promise<SectionResult> {
  const count = context.quick ? 50_000 : 1_000_000;
  const url = await context.database.create("bench_dashboard");
  const seeded = (
    await runScript("scripts/bench/dashboard-seed.ts", [String(count)], { DATABASE_URL: url })
  ).trim();

  process.env.DATABASE_URL = url;
  // What the rollups.refresh job does in a running deployment: the first build over the seeded day,
  // then a refresh with nothing new (its steady-state cost every 5 s).
  const { refreshRollups } = await import("@/lib/events/rollups/refresh");
  const buildStarted = performance.now();
  await refreshRollups();
  const buildMs = performance.now() - buildStarted;
  const refreshStarted = performance.now();
  await refreshRollups();
  const refreshMs = performance.now() - refreshStarted;
  const { getOverviewKpis, getVolumeByStatus, getVolumeByType, getLagSeries, getRejectedSeries } =
    await import("@/lib/dashboard/overview");
  const { listExplorerEvents, parseExplorerQuery } = await import("@/lib/events/explorer");
  const { listDeadLetterGroups } = await import("@/lib/events/dead-letters");
  const { listEvents, eventFiltersSchema } = await import("@/lib/events/queries");
  const { resolveRange } = await import("@/lib/dashboard/range");
  const { getStats } = await import("@/lib/dashboard/stats");
  const { renderMetrics } = await import("@/lib/monitoring/metrics");
  const day = resolveRange("24h");
  const week = resolveRange("7d");
  const queries: [string, () => Promise<unknown>][] = [
    ["overview: KPIs", () => getOverviewKpis()],
    ["overview: volume by status (24 h)", () => getVolumeByStatus({ range: day })],
    ["overview: volume by type (24 h)", () => getVolumeByType({ range: day })],
    ["overview: lag series (24 h)", () => getLagSeries({ range: day })],
    ["overview: rejected series (24 h)", () => getRejectedSeries({ range: day })],
    ["overview: volume by status (7 d)", () => getVolumeByStatus({ range: week })],
    ["explorer: first page", () => listExplorerEvents({ query: parseExplorerQuery({}) })],
    ["explorer: status=dead", () => listExplorerEvents({ query: parseExplorerQuery({ status: "dead" }) })],
    [
      "explorer: type filter",
      () => listExplorerEvents({ query: parseExplorerQuery({ type: "charge.refunded" }) }),
    ],
    [
      "explorer: search (no match)",
      () => listExplorerEvents({ query: parseExplorerQuery({ q: "nothing" }) }),
    ],
    ["dead-letter groups", () => listDeadLetterGroups()],
    ["REST stats (/api/v1/stats)", () => getStats()],
    ["metrics (/api/metrics)", () => renderMetrics()],
    ["REST list: first page", () => listEvents({ filters: eventFiltersSchema.parse({}) })],
    [
      "REST list: status=retrying",
      () => listEvents({ filters: eventFiltersSchema.parse({ status: "retrying" }) }),
    ],
  ];
  const rows: (string | number)[][] = [];
  for (const [name, work] of queries) {
    const timing = await timeQuery(work);
    rows.push([name, ms(timing.first), ms(timing.median), ms(timing.max)]);
  }
  await closeDb();

  const parts = [
    `${seeded}`,
    "",
    `Rollups (lib/rollups): first build over the seeded events ${ms(buildMs)} ms; a refresh with nothing new ${ms(refreshMs)} ms (the refresher runs every 5 s; ${(await openEvents(url)).toLocaleString("en")} events still pending or retrying are read live by id).`,
    "",
    `Query functions called directly (the same lib/ code the pages run), ${RUNS} times each: the first call, then median and max of the rest.`,
    "",
    table(["query", "first ms", "median ms", "max ms"], rows),
  ];

  if (context.hasBuild) {
    const nextPort = port();
    const email = "bench-admin@example.com";
    const password = "bench-password-123";
    const { ensureUser } = await import("@/lib/auth/users");
    await ensureUser({ email, password, role: "admin" });
    await closeDb();
    const children: Child[] = [
      spawnNext(context.distDir, nextPort, {
        DATABASE_URL: url,
        SIMULATE: "0",
        AUTH_SECRET: "bench-auth-secret-0123456789abcdef",
      }),
    ];
    try {
      await waitForHttp(`http://127.0.0.1:${nextPort}/login`, 120_000);
      const pages = await runScript("scripts/bench/dashboard-pages.ts", [], {
        BASE_URL: `http://127.0.0.1:${nextPort}`,
        ADMIN_EMAIL: email,
        ADMIN_PASSWORD: password,
        RUNS: context.quick ? "2" : "5",
      });
      parts.push(
        "",
        "First render of each page over HTTP (full server-rendered HTML), signed in as admin:",
        "",
        pages.trim(),
      );
    } finally {
      await Promise.all(children.map((child) => child.stop()));
    }
  }
  return {
    title: `Dashboard (${count.toLocaleString("en")} events)`,
    markdown: parts.join("\n"),
    targets: [],
  };
}
