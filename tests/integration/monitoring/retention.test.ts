import { describe, expect, it } from "vitest";
import { rawSql } from "@/db";
import { pruneEventPayloads } from "@/lib/events/retention";
import { boundRejectedDeliveries, compactDeliveryCounts } from "@/lib/inbox/delivery-counts";
import { useTestDatabase } from "../helpers/db";

useTestDatabase();

async function insertEvent(
  id: string,
  status: string,
  receivedDaysAgo: number,
  processedDaysAgo: number | null,
) {
  const sql = rawSql();
  const [row] = await sql<{ id: string }[]>`
    insert into events (provider, provider_event_id, type, status, received_at, processed_at, payload, raw_body)
    values ('stripe', ${id}, 'charge.succeeded', ${status},
      now() - make_interval(days => ${receivedDaysAgo}),
      ${processedDaysAgo == null ? null : sql`now() - make_interval(days => ${processedDaysAgo})`},
      ${JSON.stringify({ id, card: { last4: "4242" } })}::jsonb, ${`{"id":"${id}"}`})
    returning id`;
  await sql`insert into audit_log (actor, action, target, details) values ('user:ops', 'event.replayed', ${`event:${row!.id}`}, '{}')`;
  return Number(row!.id);
}

describe("retention", () => {
  it("prunes payloads of finished events past the retention period, keeping rows, dead letters and audit", async () => {
    const sql = rawSql();
    const old = await insertEvent("evt_old", "processed", 120, 119);
    const oldIgnored = await insertEvent("evt_old_ignored", "ignored", 100, null);
    const oldDead = await insertEvent("evt_old_dead", "dead", 120, null);
    const replayedLately = await insertEvent("evt_replayed", "processed", 120, 5);
    const recent = await insertEvent("evt_recent", "processed", 10, 10);

    expect(await pruneEventPayloads({ days: 90, batchSize: 1 })).toBe(2);
    const rows = await sql<{ id: string; payload: unknown; raw_body: string | null; pruned: boolean }[]>`
      select id, payload, raw_body, payload_pruned_at is not null as pruned from events order by id`;
    const byId = new Map(rows.map((row) => [Number(row.id), row]));
    for (const id of [old, oldIgnored])
      expect(byId.get(id)).toMatchObject({ payload: null, raw_body: null, pruned: true });
    for (const id of [oldDead, replayedLately, recent]) {
      expect(byId.get(id)?.pruned).toBe(false);
      expect(byId.get(id)?.raw_body).not.toBeNull();
    }
    const [audit] = await sql<{ count: number }[]>`select count(*)::int as count from audit_log`;
    expect(audit?.count).toBe(5);

    expect(await pruneEventPayloads({ days: 90 })).toBe(0);
  });

  it("folds old per-minute delivery counts into all-time rows without changing totals", async () => {
    const sql = rawSql();
    await sql`
      insert into delivery_counts (minute, provider, outcome, reason, count) values
        (date_trunc('minute', now() - interval '40 days'), 'stripe', 'rejected', 'signature_mismatch', 3),
        (date_trunc('minute', now() - interval '35 days'), 'stripe', 'rejected', 'signature_mismatch', 4),
        (date_trunc('minute', now() - interval '31 days'), 'stripe', 'duplicate', '', 2),
        (date_trunc('minute', now() - interval '1 day'), 'stripe', 'rejected', 'signature_mismatch', 5)`;
    const total = async () =>
      (await sql<{ total: number }[]>`select sum(count)::int as total from delivery_counts`)[0]?.total;
    const before = await total();

    await compactDeliveryCounts({ keepDays: 30 });
    await compactDeliveryCounts({ keepDays: 30 });
    expect(await total()).toBe(before);
    const rows = await sql<{ all_time: boolean; outcome: string; count: number }[]>`
      select minute = '1970-01-01T00:00:00Z'::timestamptz as all_time, outcome, count::int as count
      from delivery_counts order by all_time desc, outcome, count`;
    expect(rows).toEqual([
      { all_time: true, outcome: "duplicate", count: 2 },
      { all_time: true, outcome: "rejected", count: 7 },
      { all_time: false, outcome: "rejected", count: 5 },
    ]);
  });

  it("bounds the rejected-deliveries log by age and by row count", async () => {
    const sql = rawSql();
    await sql`
      insert into rejected_deliveries (provider, reason, status_code, received_at)
      select 'stripe', 'signature_mismatch', 400, now() - make_interval(days => case when n <= 2 then 60 else 0 end)
      from generate_series(1, 10) n`;
    expect(await boundRejectedDeliveries({ keepDays: 30, keepRows: 5 })).toBe(5);
    const [left] = await sql<{ count: number; oldest_days: number }[]>`
      select count(*)::int as count, max(extract(day from now() - received_at))::int as oldest_days from rejected_deliveries`;
    expect(left).toEqual({ count: 5, oldest_days: 0 });
  });
});
