/**
 * Drain rate of the processing engine: N pending Stripe events (realistic
 * payment histories: intents, charges, refunds, disputes) applied by 1, then
 * 2, worker processes. Each worker is a separate OS process running the real
 * `startWorker` (periodic jobs off, so only event processing is timed).
 *
 *   npx tsx --conditions=react-server scripts/bench/drain.ts [events] [workers,…]
 *
 * Uses DATABASE_URL when set (a scratch database: it is migrated and its
 * events and records are truncated), otherwise a private embedded PostgreSQL
 * under BENCH_DATA_DIR (default /tmp/tally-bench-drain). Workers run with
 * startWorker's defaults; BENCH_CHUNK and BENCH_LANES override the chunk
 * size and lane count. On Linux, with PostgreSQL on the same machine, it also
 * reports the CPU time the worker processes and their database backends used
 * per event (from /proc), a figure other load on the machine barely moves.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { closeDb, rawSql } from "@/db";
import { startEmbeddedPostgres } from "@/db/embedded";
import { runMigrations } from "@/db/migrate";
import { storeEvents } from "@/lib/inbox/store";
import { normaliseStripeEvent } from "@/lib/providers/stripe/normalise";

const WORKER_FLAG = "--drain-worker";
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();
const EVENTS = Number(process.argv[2] ?? process.env.BENCH_EVENTS ?? 5_000);
const WORKER_COUNTS = (process.argv[3] ?? "1,2").split(",").map(Number);

type StripeEvent = { id: string; object: "event"; type: string; created: number; data: { object: object } };

/** One payment's history as Stripe emits it: 8 events, 5 objects. */
function paymentHistory(index: number, start: number): StripeEvent[] {
  const pi = `pi_bench${index}`;
  const ch = `ch_bench${index}`;
  const amount = 1_000 + (index % 9_000);
  const intent = (status: string) => ({
    id: pi,
    object: "payment_intent",
    amount,
    currency: "eur",
    status,
    created: start,
  });
  const charge = (refunded: number, disputed: boolean) => ({
    id: ch,
    object: "charge",
    amount,
    currency: "eur",
    status: "succeeded",
    payment_intent: pi,
    amount_refunded: refunded,
    disputed,
    created: start,
  });
  const refund = (status: string) => ({
    id: `re_bench${index}`,
    object: "refund",
    amount: 500,
    currency: "eur",
    status,
    charge: ch,
    payment_intent: pi,
    created: start + 2,
  });
  const dispute = (status: string) => ({
    id: `dp_bench${index}`,
    object: "dispute",
    amount,
    currency: "eur",
    status,
    charge: ch,
    payment_intent: pi,
    created: start + 3,
  });
  const steps: [string, number, object][] = [
    ["payment_intent.created", start, intent("requires_payment_method")],
    ["payment_intent.processing", start + 1, intent("processing")],
    ["charge.succeeded", start + 1, charge(0, false)],
    ["payment_intent.succeeded", start + 1, intent("succeeded")],
    ["refund.created", start + 2, refund("pending")],
    ["charge.refunded", start + 2, charge(500, false)],
    ["refund.updated", start + 3, refund("succeeded")],
    ["charge.dispute.created", start + 3, dispute("needs_response")],
  ];
  return steps.map(([type, created, object], step) => ({
    id: `evt_bench${index}_${step}`,
    object: "event",
    type,
    created,
    data: { object },
  }));
}

async function seed(count: number) {
  const sql = rawSql();
  await sql`truncate events, event_attempts, records restart identity cascade`;
  const all: StripeEvent[] = [];
  for (let index = 0; all.length < count; index++)
    all.push(...paymentHistory(index, 1_760_000_000 + index * 10));
  // Delivery order is shuffled deterministically, as a real burst would arrive.
  const shuffled = all.slice(0, count).sort((a, b) => hash(a.id) - hash(b.id));
  for (let start = 0; start < shuffled.length; start += 500) {
    const chunk = shuffled.slice(start, start + 500).map((raw) => {
      const normalised = normaliseStripeEvent(raw);
      if (!normalised.ok) throw new Error(normalised.reason);
      return normalised.event;
    });
    await storeEvents({ provider: "stripe", events: chunk, rawBody: "{}", headers: {} });
  }
  // Held back until every worker is up, so process start-up is not timed.
  await sql`update events set next_attempt_at = 'infinity' where status = 'pending'`;
}

function hash(text: string) {
  let value = 2166136261;
  for (let i = 0; i < text.length; i++) value = Math.imul(value ^ text.charCodeAt(i), 16777619);
  return value >>> 0;
}

function spawnWorker(id: string): ChildProcess {
  return spawn(
    process.execPath,
    // tsx as a loader: the worker is this child process itself, not a grandchild.
    ["--import", "tsx", "--conditions=react-server", import.meta.filename, WORKER_FLAG],
    {
      env: { ...process.env, WORKER_ID: id, LOG_LEVEL: "warn", TALLY_PROCESS_NAME: WORKER_APPLICATION },
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
}

async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// CPU seconds (user + system) a local process has used; null where /proc cannot tell (another OS, a remote server).
function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

const sum = (values: (number | null)[]) =>
  values.some((value) => value === null) ? null : values.reduce<number>((a, b) => a + b!, 0);

const WORKER_APPLICATION = "tally-drain-worker";

// The workers' PostgreSQL backends, told apart by the application name their pools connect with.
async function backendPids(): Promise<number[]> {
  const rows = await rawSql()<{ pid: number }[]>`
    select pid from pg_stat_activity where application_name = ${WORKER_APPLICATION}`;
  return rows.map((row) => row.pid);
}

async function round(workers: number) {
  const sql = rawSql();
  await seed(EVENTS);
  await sql`delete from worker_heartbeats`;
  const children = Array.from({ length: workers }, (_, i) => spawnWorker(`bench-${workers}-${i}`));
  await waitUntil(async () => {
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from worker_heartbeats`;
    return row!.n === workers;
  }, 60_000);
  const cpuBefore = new Map<number, number | null>();
  for (const pid of [...children.map((child) => child.pid!), ...(await backendPids())])
    cpuBefore.set(pid, cpuSeconds(pid));
  const started = performance.now();
  await sql`update events set next_attempt_at = now() where status = 'pending'`;
  await sql`select pg_notify('tally_events', '')`;
  await waitUntil(async () => {
    const [row] = await sql<
      { n: number }[]
    >`select count(*)::int as n from events where status <> 'processed'`;
    return row!.n === 0;
  }, 600_000);
  const seconds = (performance.now() - started) / 1000;
  // CPU used since the release; a backend the pool opened during the drain counts from its start.
  const used = (pid: number) => {
    const now = cpuSeconds(pid);
    return now === null ? null : now - (cpuBefore.get(pid) ?? 0);
  };
  const workerCpu = sum(children.map((child) => used(child.pid!)));
  const databaseCpu = sum((await backendPids()).map(used));
  const [check] = await sql<{ attempts: number; records: number }[]>`
    select (select count(*)::int from event_attempts) as attempts, (select count(*)::int from records) as records`;
  for (const child of children) child.kill("SIGTERM");
  await Promise.all(children.map((child) => new Promise((resolve) => child.once("exit", resolve))));
  const perEvent = (cpu: number | null) => (cpu === null ? "–" : ((cpu * 1000) / EVENTS).toFixed(2));
  return {
    workers,
    seconds,
    rate: EVENTS / seconds,
    workerCpu: perEvent(workerCpu),
    databaseCpu: perEvent(databaseCpu),
    attempts: check!.attempts,
    records: check!.records,
  };
}

async function runWorker() {
  const { startWorker } = await import("@/lib/processing/worker");
  // The worker's own defaults unless BENCH_CHUNK / BENCH_LANES ask otherwise (for tuning them).
  const option = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);
  const worker = await startWorker({
    workerId: process.env.WORKER_ID,
    chunkSize: option("BENCH_CHUNK"),
    concurrency: option("BENCH_LANES"),
    pollMs: 1_000,
  });
  process.on("SIGTERM", () => void worker.stop().then(() => closeDb().then(() => process.exit(0))));
}

async function main() {
  let stopDatabase: (() => Promise<void>) | undefined;
  if (!process.env.DATABASE_URL) {
    const database = await startEmbeddedPostgres({
      dataDir: process.env.BENCH_DATA_DIR ?? "/tmp/tally-bench-drain",
      database: "bench",
    });
    process.env.DATABASE_URL = database.url;
    stopDatabase = database.stop;
  }
  await runMigrations(process.env.DATABASE_URL!);
  console.log(`drain: ${EVENTS} pending Stripe events (8-event payment histories, shuffled)`);
  console.log(
    "| worker processes | seconds | events/s | worker CPU ms/event | PostgreSQL CPU ms/event | attempts | records |",
  );
  console.log("|---:|---:|---:|---:|---:|---:|---:|");
  for (const workers of WORKER_COUNTS) {
    const result = await round(workers);
    console.log(
      `| ${result.workers} | ${result.seconds.toFixed(2)} | ${Math.round(result.rate)} | ${result.workerCpu} | ${result.databaseCpu} | ${result.attempts} | ${result.records} |`,
    );
  }
  await closeDb();
  await stopDatabase?.();
}

if (process.argv.includes(WORKER_FLAG)) {
  runWorker().catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
