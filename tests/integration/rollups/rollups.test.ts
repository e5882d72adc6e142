import { sql as drizzleSql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { db, rawSql } from "@/db";
import { getLagSeries, getOverviewKpis, getVolumeByStatus, getVolumeByType } from "@/lib/dashboard/overview";
import { resolveRange, type ResolvedRange } from "@/lib/dashboard/range";
import { countsByStatus } from "@/lib/dashboard/stats";
import { lagPercentiles } from "@/lib/events/lag";
import { renderMetrics } from "@/lib/monitoring/metrics";
import { discardEvents } from "@/lib/ops/discard";
import { replayEvent, replayEvents } from "@/lib/ops/replay";
import { markRollupMinutesDirty } from "@/lib/events/rollups/dirty";
import { LAG_METRIC_BUCKETS_S } from "@/lib/events/rollups/lag-bins";
import { lagHistogram } from "@/lib/events/rollups/lag-histogram";
import { refreshRollups } from "@/lib/events/rollups/refresh";
import { eventTotals } from "@/lib/events/rollups/totals";
import { useTestDatabase } from "../helpers/db";
import { parsePrometheusText, valueOf } from "../monitoring/prometheus-text";
import {
  chartToBuckets,
  rawCountsByStatus,
  rawEventTotals,
  rawKpiCounts,
  rawLagBins,
  rawLagMetric,
  rawLagSeries,
  rawVolumeByStatus,
  rawVolumeByType,
} from "./raw-reference";

useTestDatabase();

const base = Date.now();
const minutesAgo = (minutes: number) => new Date(base - minutes * 60_000);
const operator = { kind: "token", id: "1", actor: "token:ops#1", role: "operator" } as const;
// The histogram's documented bound (lib/events/rollups/lag-bins.ts): 2^(1/16) − 1, plus a millisecond of rounding.
const LAG_RELATIVE_ERROR = 2 ** (1 / 16) - 1;

/** Every figure the overview, /api/v1/stats and /api/metrics derive from events, against a raw scan. */
async function expectSameAsRaw() {
  const ranges: ResolvedRange[] = [resolveRange("1h"), resolveRange("6h"), resolveRange("24h")];
  for (const range of ranges) {
    const byStatus = await getVolumeByStatus({ range });
    expect(chartToBuckets(byStatus.points), `status ${range.key}`).toEqual(await rawVolumeByStatus(range));
    const byType = await getVolumeByType({ range });
    expect(byType.keys).not.toContain("other");
    expect(chartToBuckets(byType.points), `type ${range.key}`).toEqual(await rawVolumeByType(range));

    const histogram = await lagHistogram({
      from: range.from,
      to: range.to,
      buckets: { origin: range.from, seconds: range.bucketMs / 1000 },
    });
    const bins = new Map(
      histogram.map((row) => [`${new Date(row.bucket!).getTime()}|${row.bin}`, row.count]),
    );
    expect(bins, `lag bins ${range.key}`).toEqual(await rawLagBins(range));

    const lag = await getLagSeries({ range });
    const exact = await rawLagSeries(range);
    expect(lag.map((point) => point.t)).toEqual(exact.map((point) => point.t));
    for (const [index, point] of lag.entries()) {
      const truth = exact[index]!;
      for (const quantile of ["p50", "p95", "p99"] as const) {
        const expected = truth[quantile];
        if (expected == null) expect(point[quantile]).toBeNull();
        else
          expect(
            Math.abs(point[quantile]! - expected),
            `${range.key} ${point.t} ${quantile}`,
          ).toBeLessThanOrEqual(Math.abs(expected) * LAG_RELATIVE_ERROR + 1);
      }
    }
  }

  const kpis = await getOverviewKpis();
  expect({ eventsLast24h: kpis.eventsLast24h, successRate: kpis.successRate, backlog: kpis.backlog }).toEqual(
    await rawKpiCounts(),
  );
  const hour = await lagPercentiles({ windowMinutes: 60 });
  for (const [estimate, exact] of [
    [kpis.lagP50Ms, hour.p50_ms],
    [kpis.lagP95Ms, hour.p95_ms],
  ] as const) {
    if (exact == null) expect(estimate).toBeNull();
    else expect(Math.abs(estimate! - exact)).toBeLessThanOrEqual(Math.abs(exact) * LAG_RELATIVE_ERROR + 1);
  }
  expect(await countsByStatus()).toEqual(await rawCountsByStatus());
  const totals = await eventTotals();
  expect(
    new Map(totals.map((row) => [`${row.provider}|${row.type}|${row.status}|${row.recovered}`, row.count])),
  ).toEqual(await rawEventTotals());
  await expectMetricsSameAsRaw();
}

async function expectMetricsSameAsRaw() {
  const families = parsePrometheusText((await renderMetrics()).body);
  const raw = await rawEventTotals();
  const expected = new Map<string, number>();
  for (const [key, count] of raw) {
    const [provider, type, status] = key.split("|");
    if (!["processed", "dead", "ignored", "discarded"].includes(status!)) continue;
    const label = `${provider}|${type}|${status}`;
    expected.set(label, (expected.get(label) ?? 0) + count);
  }
  const processed = new Map(
    families
      .get("tally_events_processed_total")!
      .samples.map((sample) => [
        `${sample.labels.provider}|${sample.labels.type}|${sample.labels.result}`,
        sample.value,
      ]),
  );
  expect(processed).toEqual(expected);
  for (const [provider, series] of await rawLagMetric()) {
    let cumulative = 0;
    for (const [index, le] of LAG_METRIC_BUCKETS_S.entries()) {
      cumulative += series.perBucket[index]!;
      expect(
        valueOf(families, "tally_processing_lag_seconds_bucket", { provider, le: String(le) }),
        `${provider} le=${le}`,
      ).toBe(cumulative);
    }
    const count = series.perBucket.reduce((sum, value) => sum + value, 0);
    expect(valueOf(families, "tally_processing_lag_seconds_count", { provider })).toBe(count);
    expect(valueOf(families, "tally_processing_lag_seconds_sum", { provider })).toBeCloseTo(series.sum, 3);
  }
}

async function state() {
  const [row] = await rawSql()<
    { watermark: string | null }[]
  >`select watermark from rollup_state where id = 1`;
  return row?.watermark ? new Date(row.watermark).getTime() : null;
}

/** Every rollup row, in a stable order, to compare two states. */
async function snapshotRollups() {
  const sql = rawSql();
  return {
    counts: await sql`select * from event_minute_counts order by minute, provider, type, status, recovered`,
    totals: await sql`select * from event_count_totals order by provider, type, status, recovered`,
    lag: await sql`select * from event_minute_lag order by minute, provider, bin`,
    lagTotals: await sql`select * from event_lag_totals order by provider, bin`,
    open: await sql`select * from rollup_open_events order by event_id`,
    dirty: await sql`select minute from rollup_dirty_minutes order by minute`,
  };
}

beforeAll(async () => {
  const sql = rawSql();
  // Three hours of mixed traffic (every status, three providers, recovered ones, lags of 0 to 2 h), inserted
  // before any refresh: the only time events may carry a received_at the watermark has passed.
  await sql`
    insert into events (provider, provider_event_id, type, status, received_at, processed_at, recovered, attempts)
    select provider, 'evt_seed_' || g, type, status, received_at,
      case
        when status = 'processed' then least(received_at + lag, ${minutesAgo(1).toISOString()}::timestamptz)
        when status = 'dead' and g % 3 = 0 then received_at + interval '5 seconds'
      end,
      g % 17 = 0, 1
    from (
      select g,
        (array['stripe', 'adyen', 'mangopay'])[1 + g % 3] as provider,
        (array['charge.succeeded', 'charge.refunded'])[1 + (g / 3) % 2] as type,
        case g % 10 when 0 then 'dead' when 1 then 'retrying' when 2 then 'pending' when 3 then 'ignored'
          when 4 then 'processing' else 'processed' end as status,
        ${new Date(base).toISOString()}::timestamptz - ((g::bigint * 7919) % (180 * 60000)) * interval '1 millisecond'
          as received_at,
        case when g % 7 = 0 then interval '250 milliseconds'
          else ((g::bigint * 104729) % 7200000) * interval '1 millisecond' end as lag
      from generate_series(1, 3000) g
    ) seeded`;
  // Either side of the KPIs' 24 h edge.
  await sql`
    insert into events (provider, provider_event_id, type, status, received_at, processed_at)
    values ('stripe', 'evt_edge_in', 'charge.succeeded', 'processed', ${minutesAgo(23 * 60 + 50).toISOString()},
        ${minutesAgo(23 * 60 + 49).toISOString()}),
      ('stripe', 'evt_edge_out', 'charge.succeeded', 'processed', ${minutesAgo(24 * 60 + 10).toISOString()},
        ${minutesAgo(24 * 60 + 9).toISOString()})`;
});

describe("rollup-backed figures equal a raw scan of events", () => {
  it("before any refresh (everything read raw)", async () => {
    expect(await state()).toBeNull();
    await expectSameAsRaw();
  });

  it("after a refresh rolls up everything received two hours ago and earlier", async () => {
    const result = await refreshRollups({ notAfter: minutesAgo(120) });
    expect(result).toMatchObject({ ran: true, caughtUp: true });
    expect(await state()).toBe(Math.floor(minutesAgo(120).getTime() / 60_000) * 60_000);
    const rows = await snapshotRollups();
    expect(rows.counts.length).toBeGreaterThan(0);
    expect(rows.lag.length).toBeGreaterThan(0);
    expect(rows.open.length).toBeGreaterThan(0);
    await expectSameAsRaw();
  });

  it("as events arrive after the watermark and are rolled up in turn", async () => {
    const sql = rawSql();
    await sql`
      insert into events (provider, provider_event_id, type, status, received_at, processed_at)
      select (array['stripe', 'adyen'])[1 + g % 2], 'evt_new_' || g, 'charge.succeeded',
        case when g % 4 = 0 then 'pending' else 'processed' end,
        ${minutesAgo(110).toISOString()}::timestamptz + g * interval '3 seconds',
        case when g % 4 <> 0 then ${minutesAgo(110).toISOString()}::timestamptz + g * interval '3 seconds'
          + g * interval '40 milliseconds' end
      from generate_series(1, 200) g`;
    await expectSameAsRaw();
    await refreshRollups({ notAfter: minutesAgo(90) });
    await expectSameAsRaw();
  });

  it("when open events settle after their minute was rolled up", async () => {
    const sql = rawSql();
    const settled = await sql`
      update events set status = case when id % 2 = 0 then 'processed' else 'dead' end,
        processed_at = case when id % 2 = 0 then now() end
      where status in ('pending', 'retrying', 'processing') and received_at < ${minutesAgo(130).toISOString()}
        and id % 3 = 0
      returning id`;
    expect(settled.length).toBeGreaterThan(50);
    await expectSameAsRaw();
    const result = await refreshRollups({ notAfter: minutesAgo(90) });
    expect(result.absorbed).toBe(settled.length);
    await expectSameAsRaw();
  });

  it("when operators replay or discard old dead letters, or replay a processed event", async () => {
    const sql = rawSql();
    const replayed = await replayEvents({
      principal: operator,
      filter: { status: "dead", provider: "adyen", to: minutesAgo(150) },
    });
    expect(replayed.replayed).toBeGreaterThan(5);
    const dead = await sql<{ id: string }[]>`
      select id from events where status = 'dead' and provider = 'stripe' and received_at < ${minutesAgo(140).toISOString()}`;
    const discarded = await discardEvents({
      principal: operator,
      eventIds: dead.map((row) => Number(row.id)),
      reason: "duplicate of a settled charge",
    });
    expect(discarded.discarded).toBe(dead.length);
    const [processed] = await sql<{ id: string }[]>`
      select id from events where status = 'processed' and not recovered and processed_at < ${minutesAgo(125).toISOString()}
      order by id limit 1`;
    await replayEvent({ principal: operator, eventId: Number(processed!.id) });
    expect((await snapshotRollups()).dirty.length).toBeGreaterThan(0);
    await expectSameAsRaw();

    const result = await refreshRollups({ notAfter: minutesAgo(90) });
    expect(result.dirtyMinutes).toBeGreaterThan(0);
    expect((await snapshotRollups()).dirty).toHaveLength(0);
    await expectSameAsRaw();

    // The worker then applies the replayed events: processed now, long after their receipt.
    await sql`update events set status = 'processed', processed_at = now() where status = 'pending'
      and received_at < ${minutesAgo(140).toISOString()}`;
    await expectSameAsRaw();
    await refreshRollups({ notAfter: minutesAgo(90) });
    await expectSameAsRaw();
  });

  it("when events are processed long after receipt", async () => {
    const sql = rawSql();
    const late = await sql`
      update events set status = 'processed', processed_at = now()
      where status in ('pending', 'retrying') and received_at < ${minutesAgo(160).toISOString()}
      returning id`;
    expect(late.length).toBeGreaterThan(0);
    await expectSameAsRaw();
    await refreshRollups();
    await expectSameAsRaw();
  });
});

describe("the refresher", () => {
  it("is idempotent, and its incremental rows equal a rebuild from scratch", async () => {
    await refreshRollups();
    const before = await snapshotRollups();
    const again = await refreshRollups();
    expect(again).toMatchObject({ ran: true, dirtyMinutes: 0, absorbed: 0 });
    expect(await snapshotRollups()).toEqual(before);

    // A changed bin layout rebuilds everything from events.
    await rawSql()`update rollup_state set lag_bins = 'older layout'`;
    await refreshRollups();
    expect(await snapshotRollups()).toEqual(before);
    await expectSameAsRaw();
  });

  it("never moves the watermark past a transaction that may still insert", async () => {
    const connection = await rawSql().reserve();
    let startedMs = 0;
    try {
      await connection`begin`;
      const [started] = await connection<{ at: string }[]>`select now()::text as at`;
      startedMs = new Date(started!.at).getTime();
      // Wait until the clock has left the transaction's minute (and the refresher's margin) behind.
      const nextMinute = Math.floor(startedMs / 60_000) * 60_000 + 60_000;
      await new Promise((resolve) => setTimeout(resolve, nextMinute + 6_000 - Date.now()));
      await refreshRollups();
      expect(await state()).toBeLessThanOrEqual(startedMs);
      await connection`
        insert into events (provider, provider_event_id, type, status)
        values ('stripe', 'evt_in_flight', 'charge.succeeded', 'ignored')`;
      await connection`commit`;
    } finally {
      connection.release();
    }
    await expectSameAsRaw();
    await refreshRollups();
    // With the transaction gone, the watermark moves past its minute.
    expect(await state()).toBeGreaterThan(startedMs);
    await expectSameAsRaw();
  }, 120_000);

  it("loses no operator action that commits while a refresh runs", async () => {
    const sql = rawSql();
    const [first, second] = await sql<{ id: string }[]>`
      select id from events where status = 'processed' and received_at < ${minutesAgo(100).toISOString()}
      order by id limit 2`;
    // A dirty row the refresh will lock, then an action that re-marks it and commits mid-refresh.
    await replayEvent({ principal: operator, eventId: Number(first!.id) });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let marked!: () => void;
    const markedRow = new Promise<void>((resolve) => (marked = resolve));
    const action = db.transaction(async (tx) => {
      await tx.execute(drizzleSql`update events set status = 'discarded' where id = ${Number(second!.id)}`);
      await markRollupMinutesDirty({ executor: tx, eventIds: [Number(first!.id), Number(second!.id)] });
      marked();
      await gate;
    });
    await markedRow;
    const refreshing = refreshRollups();
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    await action;
    await refreshing;
    await expectSameAsRaw();
    await refreshRollups();
    expect((await snapshotRollups()).dirty).toHaveLength(0);
    await expectSameAsRaw();
  });

  it("runs one refresh at a time", async () => {
    const results = await Promise.all([refreshRollups(), refreshRollups(), refreshRollups()]);
    expect(results.some((result) => result.ran)).toBe(true);
    await expectSameAsRaw();
  });
});
