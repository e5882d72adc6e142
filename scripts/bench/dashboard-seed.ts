/**
 * Inserts N synthetic Stripe events (default 100,000) spread over the last
 * 24 hours straight into the events table, for timing the dashboard pages.
 *
 *   DATABASE_URL=postgres://… npx tsx scripts/bench/dashboard-seed.ts [count]
 *   DATA_DIR=.data npx tsx scripts/bench/dashboard-seed.ts [count]   (reads DATA_DIR/database-url)
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";

function databaseUrl(): string {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  const file = path.join(process.env.DATA_DIR ?? ".data", "database-url");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  throw new Error("Set DATABASE_URL, or DATA_DIR of a running `npm start`");
}

async function main() {
  const count = Number(process.argv[2] ?? 100_000);
  const run = Date.now().toString(36);
  const sql = postgres(databaseUrl(), { max: 1, onnotice: () => {} });
  const started = performance.now();
  // Mostly processed, with some dead letters, retries and ignored types, like a busy day.
  await sql`
    insert into events (provider, provider_event_id, type, object_id, object_type, status, attempts,
      received_at, provider_created_at, processed_at, next_attempt_at, last_error, payload)
    select 'stripe', 'evt_bench_' || ${run} || '_' || g, kind, object_id, 'payment_intent', status,
      case when status = 'processed' then 1 else 3 end,
      received_at, received_at - interval '1 second',
      case when status = 'processed' then received_at + (50 + (g::bigint * 7919) % 4000) * interval '1 millisecond' end,
      received_at,
      case when status in ('dead', 'retrying') then 'Refund ' || object_id || ' exceeds amount ' || (g % 5000) end,
      jsonb_build_object('id', 'evt_bench_' || ${run} || '_' || g, 'object', 'event', 'type', kind,
        'data', jsonb_build_object('object', jsonb_build_object('id', object_id, 'object', 'payment_intent',
          'amount', 100 + g % 5000, 'currency', (array['eur', 'usd', 'gbp'])[1 + g % 3])))
    from (
      select g,
        (array['payment_intent.succeeded', 'payment_intent.created', 'charge.succeeded', 'charge.refunded',
               'invoice.paid', 'customer.created'])[1 + g % 6] as kind,
        'pi_bench_' || ${run} || '_' || (g / 3) as object_id,
        case when g % 200 = 0 then 'dead' when g % 97 = 0 then 'retrying'
             when g % 6 = 5 then 'ignored' else 'processed' end as status,
        now() - ((g::bigint * 7907) % 86400000) * interval '1 millisecond' as received_at
      from generate_series(1, ${count}::int) g
    ) seeded`;
  await sql`analyze events`;
  const [row] = await sql<{ total: string }[]>`select count(*) as total from events`;
  console.log(
    `inserted ${count} events in ${Math.round(performance.now() - started)} ms; events now ${row?.total}`,
  );
  await sql.end();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
