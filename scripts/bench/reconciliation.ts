/**
 * Reconciliation matching at scale: 1,000,000 provider payments (a payment
 * intent and its charge each, as Stripe lists them) against 1,000,000 of
 * ours (payment and charge records), matched and classified by the real
 * matching code, timed against a bare SQL full outer join of the same two
 * sets (2,000,000 rows each) in the same database and run.
 *
 *   npx tsx --conditions=react-server scripts/bench/reconciliation.ts [count]
 *
 * Uses DATABASE_URL when set (a scratch database: it is migrated and
 * written to), otherwise a private embedded PostgreSQL under
 * BENCH_DATA_DIR (default /tmp/tally-bench-reconciliation).
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { closeDb, rawSql } from "@/db";
import { startEmbeddedPostgres } from "@/db/embedded";
import { runMigrations } from "@/db/migrate";
import { MATCH_WORK_MEM, matchRun } from "@/lib/reconciliation/match";

const COUNT = Number(process.argv[2] ?? process.env.BENCH_COUNT ?? 1_000_000);
/** One in this many objects carries a planted fault of each family. */
const FAULT_EVERY = 1000;
const BATCH = 50_000;

function* csvBatches(rows: number, line: (index: number) => string) {
  for (let start = 0; start < rows; start += BATCH) {
    const end = Math.min(rows, start + BATCH);
    let chunk = "";
    for (let index = start; index < end; index += 1) chunk += line(index);
    yield chunk;
  }
}

async function copy(table: string, columns: string[], rows: number, line: (index: number) => string) {
  const sql = rawSql();
  const stream = await sql
    .unsafe(`copy ${table} (${columns.join(", ")}) from stdin with (format csv)`)
    .writable();
  await pipeline(Readable.from(csvBatches(rows, line)), stream);
}

const seconds = (ms: number) => (ms / 1000).toFixed(2);

async function time<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await work();
  return { ms: performance.now() - started, result };
}

async function main() {
  let stopDatabase: (() => Promise<void>) | undefined;
  if (!process.env.DATABASE_URL) {
    const database = await startEmbeddedPostgres({
      dataDir: process.env.BENCH_DATA_DIR ?? "/tmp/tally-bench-reconciliation",
      database: "bench",
    });
    process.env.DATABASE_URL = database.url;
    stopDatabase = database.stop;
  }
  await runMigrations(process.env.DATABASE_URL!);
  const sql = rawSql();
  await sql`truncate reconciliation_runs, discrepancies, records restart identity cascade`;

  const base = Date.UTC(2025, 0, 1) / 1000;
  const from = new Date(base * 1000).toISOString();
  const to = new Date((base + COUNT + 60) * 1000).toISOString();
  const [run] = await sql<{ id: number }[]>`
    insert into reconciliation_runs (provider, kind, period_from, period_to, status, requested_by)
    values ('stripe', 'transactions', ${from}, ${to}, 'running', 'bench') returning id::int`;
  const runId = run!.id;
  const iso = (second: number) => new Date((base + second) * 1000).toISOString();
  const amountOf = (index: number) => 1000 + (index % 9000);

  // Every payment is a payment intent and its one charge, on both sides, as Stripe's API and
  // Stripe's webhooks deliver them. Every 1000th+1 exists only at the provider (its twin only
  // with us); a few others carry amount, status and refund differences.
  const idOf = (index: number, side: "provider" | "ours") =>
    index % FAULT_EVERY === 1 ? `pi_${side}_only_${index}` : `pi_${index}`;
  const chargeOf = (index: number, side: "provider" | "ours") => idOf(index, side).replace(/^pi_/, "ch_");
  const staged = await time(() =>
    copy(
      "reconciliation_staged",
      [
        "run_id",
        "object_type",
        "object_id",
        "payment_intent_id",
        "charge_id",
        "status",
        "amount",
        "currency",
        "amount_refunded",
        "disputed",
        "customer",
        "created",
      ],
      COUNT * 2,
      (row) => {
        const index = row >> 1;
        const intent = idOf(index, "provider");
        const charge = chargeOf(index, "provider");
        const common = `succeeded,${amountOf(index)},eur,0,f,cus_${index},${iso(index)}\n`;
        return row % 2 === 0
          ? `${runId},payment_intent,${intent},${intent},${charge},${common}`
          : `${runId},charge,${charge},${intent},${charge},${common}`;
      },
    ),
  );
  const internal = await time(() =>
    copy(
      "records",
      [
        "provider",
        "kind",
        "object_id",
        "payment_id",
        "charge_id",
        "status",
        "amount",
        "currency",
        "amount_refunded",
        "disputed",
        "customer_id",
        "provider_created_at",
        "order_key",
      ],
      COUNT * 2,
      (row) => {
        const index = row >> 1;
        const intent = idOf(index, "ours");
        const charge = chargeOf(index, "ours");
        const amount = amountOf(index) + (index % FAULT_EVERY === 2 ? 1 : 0);
        const status = index % FAULT_EVERY === 3 ? "processing" : "succeeded";
        const refunded = index % FAULT_EVERY === 4 ? 100 : 0;
        const common = `${status},${amount},eur,${refunded},f,cus_${index},${iso(index)},bench\n`;
        return row % 2 === 0
          ? `stripe,payment,${intent},${intent},${charge},${common}`
          : `stripe,charge,${charge},${intent},${charge},${common}`;
      },
    ),
  );
  // Vacuumed, not only analysed: otherwise autovacuum's pass over four million freshly
  // copied rows (hint bits, visibility map) lands in the middle of whichever query is timed.
  await sql`vacuum (analyze) reconciliation_staged`;
  await sql`vacuum (analyze) records`;

  // The bare join gets the same memory as matching, so the ratio compares like with like.
  const bareJoin = () =>
    sql.begin(async (tx) => {
      await tx`select set_config('work_mem', ${MATCH_WORK_MEM}, true)`;
      return tx<{ n: string }[]>`
        select count(*) as n
        from (select * from reconciliation_staged where run_id = ${runId}) p
        full outer join (select * from records where provider = 'stripe') i
          on i.object_id = p.object_id`;
    });
  const bare = await time(bareJoin);
  const steps: { label: string; ms: number }[] = [];
  let stepStarted = performance.now();
  const matched = await time(() =>
    matchRun(
      sql,
      { runId, provider: "stripe", kind: "transactions", from, to, feeSchedule: null },
      async ({ label }) => {
        steps.push({ label, ms: performance.now() - stepStarted });
        stepStarted = performance.now();
      },
    ),
  );
  const bareAgain = await time(bareJoin);
  const bareMs = Math.min(bare.ms, bareAgain.ms);
  console.log(
    `\n## Reconciliation matching (${COUNT.toLocaleString("en")} × ${COUNT.toLocaleString("en")})\n`,
  );
  console.log("| step | seconds |\n|---|---|");
  console.log(`| stage provider records (COPY) | ${seconds(staged.ms)} |`);
  console.log(`| load internal records (COPY) | ${seconds(internal.ms)} |`);
  console.log(
    `| bare full outer join, count(*) (best of 2; work_mem ${MATCH_WORK_MEM} as matching) | ${seconds(bareMs)} |`,
  );
  console.log(`| match + classify + fold into discrepancies | ${seconds(matched.ms)} |`);
  for (const step of steps) console.log(`| — of which: ${step.label} | ${seconds(step.ms)} |`);
  console.log(`\nRatio matching / bare join: **${(matched.ms / bareMs).toFixed(2)}×**`);
  console.log(
    `Joined rows: ${bare.result[0]!.n}; findings by kind: ${JSON.stringify(matched.result.counts)}`,
  );
  // A fast wrong answer is no result: every planted fault, and nothing else, or the bench fails.
  const planted = (residue: number) =>
    COUNT > residue ? Math.floor((COUNT - residue - 1) / FAULT_EVERY) + 1 : 0;
  const expected: Record<string, number> = {
    missing_internal: planted(1),
    missing_at_provider: planted(1),
    amount_mismatch: planted(2),
    status_mismatch: planted(3),
    refund_mismatch: planted(4),
  };
  const found: Record<string, number> = Object.fromEntries(
    Object.entries(matched.result.counts as Record<string, number>).filter(([, n]) => n > 0),
  );
  const exact =
    JSON.stringify(Object.entries(found).sort()) === JSON.stringify(Object.entries(expected).sort());
  console.log(
    `Planted: ${JSON.stringify(expected)}; ${exact ? "found exactly those" : "**findings differ from what was planted**"}.`,
  );
  if (!exact) throw new Error(`matching found ${JSON.stringify(found)}, planted ${JSON.stringify(expected)}`);

  await closeDb();
  await stopDatabase?.();
}

main().catch(async (error) => {
  console.error(error);
  await closeDb().catch(() => {});
  process.exit(1);
});
