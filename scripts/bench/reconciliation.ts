/**
 * Reconciliation matching at scale: 1,000,000 staged provider payments
 * against 1,000,000 internal payment records, matched and classified by the
 * real matching code, timed against a bare SQL full outer join of the same
 * two sets in the same database and run.
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

  // Provider side: every index but the "missing internally" ones' twins exist; every 1000th+1 is only ours.
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
      COUNT,
      (index) => {
        const id = index % FAULT_EVERY === 1 ? `pi_ours_only_${index}` : `pi_${index}`;
        const providerId = id.startsWith("pi_ours_only") ? `pi_provider_only_${index}` : id;
        return `${runId},payment_intent,${providerId},${providerId},ch_${index},succeeded,${amountOf(index)},eur,0,f,cus_${index},${iso(index)}\n`;
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
      COUNT,
      (index) => {
        const id = index % FAULT_EVERY === 1 ? `pi_ours_only_${index}` : `pi_${index}`;
        // Planted: amount, status and refund differences on a few objects.
        const amount = amountOf(index) + (index % FAULT_EVERY === 2 ? 1 : 0);
        const status = index % FAULT_EVERY === 3 ? "processing" : "succeeded";
        const refunded = index % FAULT_EVERY === 4 ? 100 : 0;
        return `stripe,payment,${id},${id},ch_${index},${status},${amount},eur,${refunded},f,cus_${index},${iso(index)},bench\n`;
      },
    ),
  );
  await sql`analyze reconciliation_staged`;
  await sql`analyze records`;

  // The bare join gets the same memory as matching, so the ratio compares like with like.
  const bareJoin = () =>
    sql.begin(async (tx) => {
      await tx`select set_config('work_mem', ${MATCH_WORK_MEM}, true)`;
      return tx<{ n: string }[]>`
        select count(*) as n
        from (select * from reconciliation_staged where run_id = ${runId} and object_type = 'payment_intent') p
        full outer join (select * from records where provider = 'stripe' and kind in ('payment', 'payout')) i
          on i.object_id = p.object_id`;
    });
  const bare = await time(bareJoin);
  const matched = await time(() =>
    matchRun(sql, { runId, provider: "stripe", kind: "transactions", from, to, feeSchedule: null }),
  );
  const bareAgain = await time(bareJoin);
  const bareMs = Math.min(bare.ms, bareAgain.ms);
  const faults = Math.ceil(COUNT / FAULT_EVERY);
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
  console.log(`\nRatio matching / bare join: **${(matched.ms / bareMs).toFixed(2)}×**`);
  console.log(
    `Joined rows: ${bare.result[0]!.n}; findings by kind: ${JSON.stringify(matched.result.counts)}`,
  );
  console.log(
    `Expected about ${faults} of each planted kind (missing_internal, missing_at_provider, amount, status, refund).`,
  );

  await closeDb();
  await stopDatabase?.();
}

main().catch(async (error) => {
  console.error(error);
  await closeDb().catch(() => {});
  process.exit(1);
});
