import type postgres from "postgres";
import { cpuMeter, machineMeter, ownCpuMs, postgresMeter, treeCpuMs } from "./cpu";
import { watchPostgres, type PgWindow } from "./pg-activity";
import { probeWindow, type ProcessProbe } from "./probes";
import { postmasterPid } from "./database";
import { statementsNow, statementsSince, type StatementCost } from "./statements";

/** A server setup under measurement: how to read each process group's CPU and which processes carry a probe. */
export type Observed = {
  /** CPU ms readers per process group, e.g. { web, worker }. */
  cpu: Record<string, () => number>;
  /** Processes to read event-loop delay and GC from, by group. */
  probes: Record<string, () => number[]>;
};

export type Observation = {
  /** CPU ms per group, plus "postgres" (every PostgreSQL process) and "load" (this load generator). */
  cpuMs: Record<string, number>;
  /** PostgreSQL's CPU ms by kind of process (client backends, autovacuum, WAL writer…). */
  postgresCpuMs: Record<string, number>;
  probes: Record<string, ProcessProbe[]>;
  pg: PgWindow;
  statements: StatementCost[];
  /** The whole machine's busy CPU (whoever used it) and its capacity, in ms. */
  machine: { busyMs: number; capacityMs: number };
};

/**
 * Watches one phase of a setup: CPU of every process group, PostgreSQL and
 * the load generator; event-loop delay and GC pauses inside the servers;
 * PostgreSQL waits, checkpoints, WAL fsyncs and statement costs. With
 * `profile`, the servers also record CPU profiles of the phase.
 */
export async function observe(
  sql: postgres.Sql,
  setup: Observed,
  { profile = false } = {},
): Promise<() => Promise<Observation>> {
  const postmaster = postmasterPid();
  const groups = Object.entries(setup.probes).map(([name, pids]) => [name, pids()] as const);
  const closeProbes = probeWindow(
    groups.flatMap(([, pids]) => pids),
    { profile },
  );
  const statements = await statementsNow(sql);
  const pg = await watchPostgres(sql);
  const meter = cpuMeter({ ...setup.cpu, postgres: () => treeCpuMs(postmaster), load: ownCpuMs });
  const machine = machineMeter();
  const postgresKinds = postgresMeter(postmaster);
  return async () => {
    const cpuMs = meter.stop();
    const postgresCpuMs = postgresKinds.stop();
    const machineMs = machine.stop();
    const [window, reports, costs] = [
      await pg.stop(),
      await closeProbes(),
      await statementsSince(sql, statements),
    ];
    return {
      cpuMs,
      postgresCpuMs,
      machine: machineMs,
      pg: window,
      statements: costs,
      probes: Object.fromEntries(
        groups.map(([name, pids]) => [name, reports.filter((report) => pids.includes(report.pid))]),
      ),
    };
  };
}
