import { describe, expect, it } from "vitest";
import { rawSql } from "@/db";
import { analyzeOutgrownTables } from "@/lib/processing/statistics";
import { useTestDatabase } from "../helpers/db";

useTestDatabase();

let stored = 0;

/** Stores `count` more events and waits until the statistics collector counts them. */
async function storeMore(count: number) {
  const sql = rawSql();
  await sql.begin(async (tx) => {
    await tx`
      insert into events (provider, provider_event_id, type, status, payload, raw_body)
      select 'stripe', 'evt_stats_' || g, 'charge.succeeded', 'processed', '{}'::jsonb, '{}'
      from generate_series(${stored + 1}::int, ${stored + count}::int) g`;
    // Counted rows reach pg_stat_user_tables when the session next reports, at most once a second.
    await tx`select pg_stat_force_next_flush()`;
  });
  stored += count;
  for (let tries = 0; tries < 100; tries++) {
    const [row] = await sql<{ live: string }[]>`
      select n_live_tup::text as live from pg_stat_user_tables where relname = 'events'`;
    if (Number(row?.live) >= stored) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the statistics collector never counted ${stored} events`);
}

const statisticsRows = async () => {
  const [row] = await rawSql()<{ reltuples: number }[]>`
    select reltuples::float8 as reltuples from pg_class where relname = 'events'`;
  return row!.reltuples;
};

describe("statistics of tables that outgrow them", () => {
  it("analyses a young table each time it doubles, and never a table that has not grown", async () => {
    expect(await analyzeOutgrownTables()).toEqual([]);
    expect(await statisticsRows()).toBe(-1);

    await storeMore(1_200);
    expect(await analyzeOutgrownTables()).toEqual(["events"]);
    expect(await statisticsRows()).toBe(1_200);
    expect(await analyzeOutgrownTables()).toEqual([]);

    // Twice the analysed 1,200 plus 1,000 is 3,400: 3,200 rows are not yet outgrown, 3,500 are.
    await storeMore(2_000);
    expect(await analyzeOutgrownTables()).toEqual([]);
    await storeMore(300);
    expect(await analyzeOutgrownTables()).toEqual(["events"]);
    expect(await statisticsRows()).toBe(3_500);
  });
});
