import type postgres from "postgres";
import { closedLoop, type LoadResult } from "./load";
import { observe, type Observation } from "./observe";
import type { Setup } from "./servers";
import { cpu, int, ms, ratio } from "./stats";
import { busyByArea, hotSpots } from "./profile";
import { topWaits } from "./pg-activity";
import { code, statementLabel } from "./statements";
import type { Delivery } from "./stripe-bodies";
import { waitUntil } from "./processes";

export const CORES = 2;

/** Events still waiting for a worker. */
export async function backlog(sql: postgres.Sql): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from events where status in ('pending', 'processing', 'retrying')`;
  return row!.n;
}

export const drained = (sql: postgres.Sql, timeoutMs: number) =>
  waitUntil(async () => (await backlog(sql)) === 0, timeoutMs);

/**
 * Starts a phase with no dirty buffers left by the phases before it:
 * otherwise a checkpoint that earlier phases set off ends with an fsync in
 * the middle of this one, which on this disk holds every commit for seconds.
 */
export async function quietDisk(sql: postgres.Sql): Promise<void> {
  if (process.env.BENCH_ANALYZE) await sql`analyze`;
  await sql`checkpoint`;
}

export type Measured = {
  load: LoadResult;
  /** Requests answered per second: 2xx, or every answer for the framework floor. */
  rate: number;
  answered: number;
  observation: Observation;
  /** Acknowledged events found in the database afterwards. */
  stored?: number;
};

/**
 * One closed-loop round against a setup: `connections` keep-alive
 * connections for `durationMs`, observed from the first request to the
 * last event applied (when `applied`, the worker's work counts too).
 */
export async function closedRound(
  sql: postgres.Sql,
  setup: Setup,
  url: string,
  bodies: Delivery[],
  {
    connections,
    durationMs,
    warmup,
    countAll = false,
    applied = false,
    profile = false,
  }: {
    connections: number;
    durationMs: number;
    warmup: Delivery[];
    countAll?: boolean;
    applied?: boolean;
    profile?: boolean;
  },
): Promise<Measured> {
  await quietDisk(sql);
  await closedLoop({ url }, warmup, { connections, durationMs: 2_000 });
  if (applied) await drained(sql, 120_000);
  const stop = await observe(sql, setup, { profile });
  const load = await closedLoop({ url }, bodies, { connections, durationMs });
  if (applied) await drained(sql, 180_000);
  const observation = await stop();
  const answered = countAll ? load.sent : load.ok;
  return { load, rate: answered / load.seconds, answered, observation };
}

/** CPU ms per answered event, by group and in all. */
export function cpuPerEvent(measured: Measured): Record<string, number> & { total: number } {
  const per: Record<string, number> = {};
  let total = 0;
  for (const [group, used] of Object.entries(measured.observation.cpuMs)) {
    per[group] = used / Math.max(1, measured.answered);
    total += per[group];
  }
  return { ...per, total };
}

const share = (part: number, whole: number) => `${Math.round((100 * part) / Math.max(whole, 1))}%`;

/** How busy the machine was during a round, and how much of that was this bench's own processes. */
export function machineLine(measured: Measured): string {
  const { busyMs, capacityMs } = measured.observation.machine;
  const ours = Object.values(measured.observation.cpuMs).reduce((sum, used) => sum + used, 0);
  return `${share(busyMs, capacityMs)} (${share(Math.max(0, busyMs - ours), capacityMs)} others)`;
}

/** The physical limit a round ran into, measured: which CPU was exhausted and what that allows. */
export function limitOf(measured: Measured, baseline?: Measured): string {
  const per = cpuPerEvent(measured);
  const seconds = measured.load.seconds;
  const { busyMs, capacityMs } = measured.observation.machine;
  const web = measured.observation.cpuMs.web ?? 0;
  const webCores = web / (seconds * 1000);
  const parts = Object.entries(per)
    .filter(([group]) => group !== "total")
    .map(([group, value]) => `${group} ${cpu(value)}`)
    .join(", ");
  if (webCores >= 0.85)
    return `the web process's one thread was busy ${Math.round(webCores * 100)}% of the time: ${cpu(
      per.web ?? 0,
    )} ms of its CPU per event caps it near ${int(1000 / (per.web ?? 1))}/s`;
  const line = `the machine's ${CORES} cores were ${share(busyMs, capacityMs)} busy; each event costs ${cpu(
    per.total,
  )} ms of CPU (${parts})`;
  if (!baseline) return line;
  const bare = cpuPerEvent(baseline).total;
  return `${line} against bare's ${cpu(bare)} ms: at most ${ratio(bare / per.total)} of bare on this CPU`;
}

/** Event-loop delay and GC of a group's processes during a round, e.g. "loop p99 4 ms, max 21 ms; GC 120 ms, max 9 ms". */
export function runtimeLine(measured: Measured, group: string): string {
  const probes = measured.observation.probes[group] ?? [];
  if (probes.length === 0) return "—";
  const p99 = Math.max(...probes.map((probe) => probe.loopDelay.p99));
  const max = Math.max(...probes.map((probe) => probe.loopDelay.max));
  const gc = probes.reduce((sum, probe) => sum + probe.gc.totalMs, 0);
  const gcMax = Math.max(...probes.map((probe) => probe.gc.maxMs));
  return `loop p99 ${ms(p99)}, max ${ms(max)}; GC ${ms(gc)} (max ${ms(gcMax)})`;
}

/**
 * The main threads of a group's processes per answered event: time on a
 * CPU, time runnable but waiting for one (the other processes had the
 * cores), and involuntary switches. A sampling profile counts wall time,
 * so its "busy" is the sum of the first two.
 */
export function schedLine(measured: Measured, group: string): string {
  const probes = (measured.observation.probes[group] ?? []).filter((probe) => probe.sched);
  if (probes.length === 0) return "—";
  const events = Math.max(1, measured.answered);
  const sum = (pick: (sched: NonNullable<(typeof probes)[number]["sched"]>) => number) =>
    probes.reduce((total, probe) => total + pick(probe.sched!), 0);
  const us = (value: number) => `${Math.round((value * 1000) / events)} µs`;
  return `on CPU ${us(sum((s) => s.onCpuMs))}, waiting for a CPU ${us(sum((s) => s.waitMs))}; ${(
    sum((s) => s.involuntary) / events
  ).toFixed(2)} preemptions`;
}

/** PostgreSQL's CPU per answered event by kind of process, largest first, e.g. "backends 0.61, autovacuum 0.12". */
export function postgresKindsLine(measured: Measured): string {
  const events = Math.max(1, measured.answered);
  return Object.entries(measured.observation.postgresCpuMs)
    .filter(([, used]) => used > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, used]) => `${kind} ${cpu(used / events)}`)
    .join(", ");
}

/** WAL and fsync per answered event, and what PostgreSQL's backends waited on. */
export function postgresLine(measured: Measured): {
  wal: string;
  fsync: string;
  waits: string;
  checkpoints: string;
} {
  const { pg } = measured.observation;
  const events = Math.max(1, measured.answered);
  return {
    wal: `${int(pg.wal.bytes / events)} B`,
    fsync: `${(pg.wal.fsyncs / events).toFixed(2)} × ${ms(pg.wal.fsyncMs / Math.max(1, pg.wal.fsyncs))} ms`,
    waits: topWaits(pg, 3),
    checkpoints:
      pg.checkpoints.timed + pg.checkpoints.requested === 0
        ? "none"
        : `${pg.checkpoints.timed + pg.checkpoints.requested} (sync ${ms(pg.checkpoints.syncMs)} ms)`,
  };
}

/** The statements that cost PostgreSQL the most, per answered event. */
export function statementRows(measured: Measured, top = 5): string[][] {
  const events = Math.max(1, measured.answered);
  return measured.observation.statements
    .slice(0, top)
    .map((statement) => [
      code(statementLabel(statement.query)),
      (statement.calls / events).toFixed(2),
      `${Math.round((statement.exec_ms * 1000) / events)} µs`,
      `${int(statement.wal_bytes / events)} B`,
      (statement.wal_fpi / events).toFixed(2),
    ]);
}

/** Top self-time functions of each profiled process, as table rows. */
export function profileRows(
  measured: Measured,
  top = 8,
): { group: string; rows: string[][]; areas: string }[] {
  const out: { group: string; rows: string[][]; areas: string }[] = [];
  for (const [group, probes] of Object.entries(measured.observation.probes)) {
    for (const probe of probes) {
      if (!probe.profile) continue;
      const { spots, totalMs } = hotSpots(probe.profile, top);
      const perEvent = (value: number) => `${Math.round((value * 1000) / Math.max(1, measured.answered))} µs`;
      out.push({
        group,
        rows: spots.map((spot) => [
          `\`${spot.name}\``,
          `\`${spot.where}\``,
          perEvent(spot.selfMs),
          `${(spot.share * 100).toFixed(1)}%`,
        ]),
        areas:
          busyByArea(probe.profile)
            .slice(0, 6)
            .map((area) => `${area.area} ${(area.share * 100).toFixed(0)}%`)
            .join(", ") + ` (busy ${perEvent(totalMs)} per event in the profile)`,
      });
    }
  }
  return out;
}
