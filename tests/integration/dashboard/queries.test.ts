import { beforeAll, describe, expect, it } from "vitest";
import { exportAuditCsv, listAudit } from "@/lib/audit/queries";
import { listDeadLetterGroups, summarizeDeadLetters } from "@/lib/events/dead-letters";
import { listExplorerEvents, parseExplorerQuery } from "@/lib/events/explorer";
import {
  getLagSeries,
  getOverviewKpis,
  getRejectedSeries,
  getVolumeByStatus,
  getVolumeByType,
} from "@/lib/dashboard/overview";
import { resolveRange } from "@/lib/dashboard/range";
import { useTestDatabase, withSql } from "../helpers/db";

const database = useTestDatabase();

// One reference time, so lags computed from two timestamps are exact.
const base = Date.now();
const minutesAgo = (minutes: number) => new Date(base - minutes * 60_000).toISOString();
const payment = (id: string, amount: number, currency: string) => ({
  data: { object: { id, amount, currency } },
});

beforeAll(async () => {
  await withSql(database.url, async (sql) => {
    const rows = [
      {
        id: "evt_1",
        type: "payment_intent.succeeded",
        status: "processed",
        object: "pi_1",
        at: 50,
        done: 49,
        payload: payment("pi_1", 1000, "eur"),
      },
      {
        id: "evt_2",
        type: "payment_intent.succeeded",
        status: "processed",
        object: "pi_2",
        at: 40,
        done: 39.5,
        payload: payment("pi_2", 500, "eur"),
      },
      {
        id: "evt_3",
        type: "charge.refunded",
        status: "dead",
        object: "ch_3",
        at: 30,
        done: null,
        payload: payment("ch_3", 700, "eur"),
        error: "Refund ch_3 exceeds amount 700",
      },
      {
        id: "evt_4",
        type: "charge.refunded",
        status: "dead",
        object: "ch_4",
        at: 20,
        done: null,
        payload: payment("ch_4", 300, "usd"),
        // Ids with several underscores still mask to one fingerprint.
        error: "Refund ch_live_4Xy exceeds amount 300",
      },
      {
        id: "evt_5",
        type: "invoice.paid",
        status: "dead",
        object: "in_5",
        at: 10,
        done: null,
        payload: { data: { object: { id: "in_5" } } },
        error: "invalid object",
      },
      {
        id: "evt_6",
        type: "invoice.paid",
        status: "retrying",
        object: "in_6",
        at: 5,
        done: null,
        payload: {},
        error: "timeout",
      },
    ];
    for (const row of rows) {
      await sql`
        insert into events (provider, provider_event_id, type, status, object_id, received_at, processed_at, payload, last_error, attempts)
        values ('stripe', ${row.id}, ${row.type}, ${row.status}, ${row.object}, ${minutesAgo(row.at)},
          ${row.done == null ? null : minutesAgo(row.done)}, ${sql.json(row.payload)}, ${row.error ?? null}, 1)`;
    }
    await sql`insert into delivery_counts (minute, provider, outcome, reason, count)
      values (date_trunc('minute', now() - interval '3 minutes'), 'stripe', 'rejected', 'bad_signature', 4)`;
    await sql`insert into audit_log (actor, action, target, details) values
      ('user:ana@example.com', 'event.replay', 'event:3', ${sql.json({ reason: "=cmd fixed, retry" })}),
      ('token:ci#1', 'token.create', 'token:9', ${sql.json({ name: "ci" })})`;
  });
});

describe("overview", () => {
  it("computes KPIs from the last 24 h", async () => {
    const kpis = await getOverviewKpis();
    expect(kpis.eventsLast24h).toBe(6);
    expect(kpis.deadLetters).toBe(3);
    expect(kpis.backlog).toBe(1);
    expect(kpis.successRate).toBeCloseTo(2 / 6);
    expect(kpis.openDiscrepancies).toBe(0);
    expect(kpis.lagP50Ms).toBeGreaterThan(0);
  });

  it("buckets volume by status and by type, with zero-filled buckets", async () => {
    const range = resolveRange("1h");
    const byStatus = await getVolumeByStatus({ range });
    expect(byStatus.points).toHaveLength(60);
    expect(byStatus.keys).toEqual(["processed", "retrying", "dead"]);
    const sum = (key: string) => byStatus.points.reduce((total, point) => total + (point[key] ?? 0), 0);
    expect(sum("dead")).toBe(3);
    expect(sum("processed")).toBe(2);
    const byType = await getVolumeByType({ range });
    expect(byType.keys).toContain("stripe · charge.refunded");
  });

  it("has lag percentiles where events were processed, and rejected deliveries by reason", async () => {
    const range = resolveRange("1h");
    const lag = await getLagSeries({ range });
    const withLag = lag.filter((point) => point.p50 != null);
    expect(withLag).toHaveLength(2);
    expect(withLag.map((point) => point.p50).sort()).toEqual([30_000, 60_000]);
    const rejected = await getRejectedSeries({ range });
    expect(rejected.keys).toEqual(["stripe · bad_signature"]);
    expect(rejected.points.reduce((total, point) => total + (point["stripe · bad_signature"] ?? 0), 0)).toBe(
      4,
    );
  });
});

describe("explorer", () => {
  it("filters, searches by object or event id, and sorts", async () => {
    const dead = await listExplorerEvents({ query: parseExplorerQuery({ status: "dead" }) });
    expect(dead.total).toBe(3);
    const byObject = await listExplorerEvents({ query: parseExplorerQuery({ q: "pi_2" }) });
    expect(byObject.rows.map((row) => row.providerEventId)).toEqual(["evt_2"]);
    const byEvent = await listExplorerEvents({ query: parseExplorerQuery({ q: "evt_4" }) });
    expect(byEvent.rows.map((row) => row.objectId)).toEqual(["ch_4"]);
    const oldestFirst = await listExplorerEvents({
      query: parseExplorerQuery({ sort: "received_at", dir: "asc", size: "25" }),
    });
    expect(oldestFirst.rows[0]!.providerEventId).toBe("evt_1");
  });

  it("ignores bad URL values instead of failing", async () => {
    const query = parseExplorerQuery({ status: "nope", sort: "drop table", page: "-3", size: "7" });
    expect(query).toMatchObject({ status: undefined, sort: "received_at", page: 1, size: 50 });
  });
});

describe("dead letters", () => {
  it("groups by error fingerprint, masking ids and numbers, with money by currency", async () => {
    const groups = await listDeadLetterGroups();
    expect(groups).toHaveLength(2);
    const [refunds, invoices] = groups;
    expect(refunds).toMatchObject({
      type: "charge.refunded",
      count: 2,
      error: "Refund <id> exceeds amount N",
    });
    expect(refunds!.money).toEqual([
      { currency: "eur", amount: 700 },
      { currency: "usd", amount: 300 },
    ]);
    expect(invoices).toMatchObject({ type: "invoice.paid", count: 1, money: [] });
  });

  it("summarises only events that are still dead", async () => {
    const ids = await withSql(database.url, (sql) => sql`select id from events order by id`);
    const summary = await summarizeDeadLetters({ ids: ids.map((row) => Number(row.id)) });
    expect(summary).toEqual({
      count: 3,
      money: [
        { currency: "eur", amount: 700 },
        { currency: "usd", amount: 300 },
      ],
    });
  });
});

describe("audit", () => {
  it("filters by actor substring and exports CSV that spreadsheets cannot execute", async () => {
    const page = await listAudit({ filters: { actor: "ana@" }, limit: 50 });
    expect(page.data.map((row) => row.action)).toEqual(["event.replay"]);
    const csv = await exportAuditCsv({ filters: {} });
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toBe("id,at,actor,action,target,details");
    expect(lines).toHaveLength(3);
    expect(csv).toContain('"{""reason"":""=cmd fixed, retry""}"');
  });

  it("matches actors and targets as whole words, the same for the API and the page", async () => {
    await withSql(
      database.url,
      (sql) => sql`insert into audit_log (actor, action, target, details) values
      ('user:anabel@example.com', 'event.replay', 'event:30', '{}'::jsonb)`,
    );
    const targets = async (target: string) =>
      (await listAudit({ filters: { target }, limit: 50 })).data.map((row) => row.target);
    expect(await targets("event:3")).toEqual(["event:3"]);
    expect(await targets("3")).toEqual(["event:3"]);
    expect(await targets("event:")).toEqual(["event:30", "event:3"]);
    const actors = async (actor: string) =>
      (await listAudit({ filters: { actor }, limit: 50 })).data.map((row) => row.actor);
    expect(await actors("ANA")).toEqual(["user:ana@example.com"]);
    expect(await actors("an")).toEqual([]);
    // Regular-expression characters are literal.
    expect(await actors("token:ci#1")).toEqual(["token:ci#1"]);
    expect(await actors(".*")).toEqual([]);
  });
});
