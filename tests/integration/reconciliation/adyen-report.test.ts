import { beforeAll, describe, expect, it } from "vitest";
import { rawSql } from "@/db";
import { GET as listRoute } from "@/app/api/v1/discrepancies/route";
import { PUT as feeRoute } from "@/app/api/v1/fee-schedules/[provider]/route";
import { GET as runRoute } from "@/app/api/v1/reconciliation/runs/[id]/route";
import { POST as enqueueRoute } from "@/app/api/v1/reconciliation/runs/route";
import { POST as importRoute } from "@/app/api/v1/settlement-reports/adyen/route";
import { insertToken } from "@/lib/auth/tokens";
import { processQueuedRuns } from "@/lib/reconciliation/execute";
import { ADYEN_REPORT_HEADER, adyenDelivery, adyenItem, TEST_ADYEN_KEY } from "../../fixtures/adyen";
import { useTestDatabase } from "../helpers/db";
import { callRoute } from "../helpers/http";
import { drain } from "../processing/helpers";
import { setEnv } from "../providers/env";
import { webhookPost } from "../providers/pipeline";

/**
 * Adyen's books arrive as a settlement details report. A day of payments is
 * delivered as signed webhooks through the real route and processed; the
 * report (CET times, EUR and JPY) is imported through the REST endpoint and
 * a run for the day must flag exactly the planted faults.
 */
useTestDatabase();
const FROM = "2025-03-01T00:00:00.000Z";
const TO = "2025-03-02T00:00:00.000Z";
const MERCHANT = "TallyTestMerchant";
let finance: string;
let viewer: string;

const utc = (time: string, day = "2025-03-01") => new Date(`${day}T${time}Z`).toISOString();

async function deliver(...items: Record<string, unknown>[]) {
  const response = await callRoute(webhookPost, {
    method: "POST",
    path: "/api/webhooks/adyen",
    params: { provider: "adyen" },
    ...adyenDelivery(items),
  });
  expect(response.status).toBe(200);
  await drain();
}

const authorise = (psp: string, value: number, time: string, currency = "EUR", day?: string) =>
  adyenItem({ pspReference: psp, value, currency, eventDate: utc(time, day) });

/** Minor units → the major-unit decimal Adyen writes ("" for nothing). */
const major = (minor: number | undefined, exponent: number) =>
  minor === undefined
    ? ""
    : exponent === 0
      ? String(minor)
      : `${Math.trunc(minor / 10 ** exponent)}.${String(Math.abs(minor) % 10 ** exponent).padStart(exponent, "0")}`;

type Line = {
  psp?: string;
  type: string;
  time: string; // CET wall clock on 2025-03-01
  modification?: string;
  currency?: string;
  grossDebit?: number;
  grossCredit?: number;
  netDebit?: number;
  netCredit?: number;
  commission?: number;
  markup?: number;
  scheme?: number;
  interchange?: number;
  batch: number;
};

const netOf = (line: Line) => (line.netCredit ?? 0) - (line.netDebit ?? 0);

function settled(
  psp: string,
  amount: number,
  fee: { commission?: number; markup?: number; scheme?: number; interchange?: number },
  time: string,
  batch = 7,
  currency = "EUR",
): Line {
  const total = (fee.commission ?? 0) + (fee.markup ?? 0) + (fee.scheme ?? 0) + (fee.interchange ?? 0);
  return {
    psp,
    type: "Settled",
    time,
    currency,
    grossCredit: amount,
    netCredit: amount - total,
    ...fee,
    batch,
  };
}

function csvOf(lines: Line[]): string {
  const rows = lines.map((line) => {
    const exponent = line.currency === "JPY" ? 0 : 2;
    const m = (value: number | undefined) => major(value, exponent);
    return [
      "TallyCompany",
      MERCHANT,
      line.psp ?? "",
      line.psp ? `order-${line.psp}` : "",
      line.psp ? "visa" : "",
      `2025-03-01 ${line.time}`,
      "CET",
      line.type,
      line.modification ?? "",
      line.psp ? (line.currency ?? "EUR") : "",
      m(line.grossDebit),
      m(line.grossCredit),
      line.psp ? "1" : "",
      line.currency ?? "EUR",
      m(line.netDebit),
      m(line.netCredit),
      m(line.commission),
      m(line.markup),
      m(line.scheme),
      m(line.interchange),
      line.psp ? "visa" : "",
      String(line.batch),
    ].join(",");
  });
  return [ADYEN_REPORT_HEADER.join(","), ...rows].join("\r\n") + "\r\n";
}

// Fee schedule: 1.2 % + 11 cents (EUR), tolerance 1. Each clean fee below is exactly that.
const batch7: Line[] = [
  settled("PCLEAN0000000001", 10000, { markup: 31, scheme: 20, interchange: 80 }, "09:00:00"),
  settled("PCLEAN0000000002", 2550, { commission: 42 }, "09:10:00"),
  {
    psp: "PCLEAN0000000002",
    type: "Refunded",
    time: "15:00:00",
    modification: "RCLEAN0000000002",
    grossDebit: 500,
    netDebit: 500,
    batch: 7,
  },
  // 10.29 is where float parsing loses a cent (10.29 × 100 = 1028.9999…).
  settled("PCLEAN0000000003", 1029, { commission: 23 }, "09:20:00"),
  // Authorised on the previous day, settled in this report: no finding on either side.
  settled("PEARLY0000000001", 3000, { commission: 47 }, "09:30:00"),
  settled("PAMOUNT000000001", 5001, { commission: 71 }, "10:00:00"),
  settled("PMISSING00000001", 1234, { commission: 26 }, "10:10:00"),
  settled("PREFUND000000001", 8000, { commission: 107 }, "10:20:00"),
  {
    psp: "PREFUND000000001",
    type: "Refunded",
    time: "16:00:00",
    modification: "RREFUND000000001",
    grossDebit: 3000,
    netDebit: 3000,
    batch: 7,
  },
  settled("PDISPUTE00000001", 6000, { commission: 83 }, "10:30:00"),
  {
    psp: "PDISPUTE00000001",
    type: "Chargeback",
    time: "17:00:00",
    modification: "CDISPUTE00000001",
    grossDebit: 6000,
    netDebit: 6000,
    batch: 7,
  },
  settled("PFEE000000000001", 4000, { commission: 80 }, "10:40:00"),
  { type: "Fee", time: "20:00:00", netDebit: 150, batch: 7 },
];
const batch7Payout = batch7.reduce((sum, line) => sum + netOf(line), 0);
const batch8: Line[] = [settled("PJPY000000000001", 1500, { commission: 20 }, "11:00:00", 8, "JPY")];
const lines: Line[] = [
  ...batch7,
  { type: "MerchantPayout", time: "22:00:00", netDebit: batch7Payout, batch: 7 },
  ...batch8,
  // Batch 8 paid out 10 yen more than its lines add up to.
  { type: "MerchantPayout", time: "22:30:00", currency: "JPY", netDebit: 1480 + 10, batch: 8 },
];
const REPORT = csvOf(lines);

const PLANTED = [
  "amount_mismatch:PAMOUNT000000001",
  "missing_internal:PMISSING00000001",
  "missing_at_provider:PNOREPORT0000001",
  "refund_mismatch:PREFUND000000001",
  "dispute_mismatch:PDISPUTE00000001",
  "fee_mismatch:PFEE000000000001",
  `payout_mismatch:${MERCHANT}:batch:8`,
].sort();

type Row = {
  id: number;
  kind: string;
  object_id: string;
  status: string;
  expected_amount: number | null;
  actual_amount: number | null;
  currency: string | null;
  last_seen_at: string;
};
const keyOf = (row: Row) => `${row.kind}:${row.object_id}`;

async function listAll(query = ""): Promise<Row[]> {
  const response = await callRoute(listRoute, {
    path: `/api/v1/discrepancies?provider=adyen&limit=500${query}`,
    token: viewer,
  });
  expect(response.status).toBe(200);
  return (response.json() as { data: Row[] }).data;
}

async function enqueue(from = FROM, to = TO) {
  return callRoute(enqueueRoute, {
    method: "POST",
    path: "/api/v1/reconciliation/runs",
    token: finance,
    body: JSON.stringify({ provider: "adyen", from, to }),
  });
}

async function runOnce(): Promise<number> {
  const queued = await enqueue();
  expect(queued.status).toBe(202);
  const { id } = queued.json() as { id: number };
  await processQueuedRuns({ holder: "adyen-test" });
  const run = await callRoute(runRoute, {
    path: `/api/v1/reconciliation/runs/${id}`,
    params: { id: String(id) },
    token: viewer,
  });
  const body = run.json() as { status: string; error: string | null };
  expect(body.error).toBeNull();
  expect(body.status).toBe("succeeded");
  return id;
}

const importReport = (csv: string, token = finance, query = `?from=${FROM}&to=${TO}`) =>
  callRoute(importRoute, {
    method: "POST",
    path: `/api/v1/settlement-reports/adyen${query}`,
    token,
    body: csv,
  });

beforeAll(async () => {
  setEnv({ ADYEN_HMAC_KEYS: TEST_ADYEN_KEY });
  finance = (await insertToken({ name: "finance", role: "finance", createdBy: "test" })).token;
  viewer = (await insertToken({ name: "viewer", role: "viewer", createdBy: "test" })).token;
  const fee = await callRoute(feeRoute, {
    method: "PUT",
    path: "/api/v1/fee-schedules/adyen",
    params: { provider: "adyen" },
    token: finance,
    body: JSON.stringify({ rules: [{ currency: "eur", percent: 1.2, fixed: 11 }], tolerance: 1 }),
  });
  expect(fee.status).toBe(200);
  // Our side, as Adyen's webhooks built it (some captured, auto-captured ones stay authorised).
  await deliver(
    authorise("PCLEAN0000000001", 10000, "08:00:00"),
    adyenItem({
      pspReference: "CCAP000000000001",
      originalReference: "PCLEAN0000000001",
      eventCode: "CAPTURE",
      value: 10000,
      eventDate: utc("08:01:00"),
    }),
    authorise("PCLEAN0000000002", 2550, "08:05:00"),
    adyenItem({
      pspReference: "RCLEAN0000000002",
      originalReference: "PCLEAN0000000002",
      eventCode: "REFUND",
      value: 500,
      eventDate: utc("14:00:00"),
    }),
    authorise("PCLEAN0000000003", 1029, "08:06:00"),
    authorise("PEARLY0000000001", 3000, "23:50:00", "EUR", "2025-02-28"),
    authorise("PAMOUNT000000001", 5000, "08:10:00"),
    authorise("PREFUND000000001", 8000, "08:20:00"),
    adyenItem({
      pspReference: "RREFUND000000001",
      originalReference: "PREFUND000000001",
      eventCode: "REFUND",
      value: 2000,
      eventDate: utc("15:00:00"),
    }),
    authorise("PDISPUTE00000001", 6000, "08:30:00"),
    authorise("PFEE000000000001", 4000, "08:40:00"),
    authorise("PJPY000000000001", 1500, "08:50:00", "JPY"),
    authorise("PNOREPORT0000001", 7000, "09:00:00"),
    adyenItem({ pspReference: "PREFUSED00000001", value: 900, success: "false", eventDate: utc("09:05:00") }),
  );
});

describe("Adyen settlement details report → reconciliation run", () => {
  it("imports the report for finance only, once, with exact minor units and CET times", async () => {
    expect((await importReport(REPORT, viewer)).status).toBe(403);
    const imported = await importReport(REPORT);
    expect(imported.status).toBe(201);
    expect(imported.json()).toMatchObject({ lines: lines.length, covers_from: FROM, covers_to: TO });
    const again = await importReport(REPORT);
    expect(again.status).toBe(409);

    const rows = await rawSql()<
      { psp_reference: string; gross_credit: number; net_credit: number; created_at: Date }[]
    >`
      select psp_reference, gross_credit, net_credit, created_at from adyen_settlement_rows
      where psp_reference in ('PCLEAN0000000003', 'PJPY000000000001') and type = 'Settled' order by psp_reference`;
    expect(
      rows.map((row) => [
        row.psp_reference,
        Number(row.gross_credit),
        Number(row.net_credit),
        new Date(row.created_at).toISOString(),
      ]),
    ).toEqual([
      ["PCLEAN0000000003", 1029, 1006, utc("08:20:00")],
      ["PJPY000000000001", 1500, 1480, utc("10:00:00")],
    ]);
    const [audit] =
      await rawSql()`select action, actor from audit_log where action = 'adyen_settlement_report.import'`;
    expect(audit).toMatchObject({ action: "adyen_settlement_report.import" });
  });

  it("rejects a malformed report naming the line, and a run no report covers", async () => {
    const bad = await importReport(
      csvOf([settled("PBAD000000000001", 1000, {}, "09:00:00")]).replace("10.00", "10.001"),
    );
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/Line 2/);
    const uncovered = await enqueue("2025-03-01T00:00:00Z", "2025-03-03T00:00:00Z");
    expect(uncovered.status).toBe(400);
    expect(uncovered.text).toMatch(
      /No imported Adyen settlement details report covers 2025-03-02T00:00:00.000Z/,
    );
  });

  let firstRun: number;
  it("finds every planted fault and nothing else", async () => {
    firstRun = await runOnce();
    const found = await listAll(`&run_id=${firstRun}`);
    expect(found.map(keyOf).sort()).toEqual(PLANTED);
    const byKey = new Map(found.map((row) => [keyOf(row), row]));
    expect(byKey.get("amount_mismatch:PAMOUNT000000001")).toMatchObject({
      expected_amount: 5001,
      actual_amount: 5000,
      currency: "eur",
    });
    expect(byKey.get("refund_mismatch:PREFUND000000001")).toMatchObject({
      expected_amount: 3000,
      actual_amount: 2000,
    });
    expect(byKey.get("fee_mismatch:PFEE000000000001")).toMatchObject({
      expected_amount: 59,
      actual_amount: 80,
    });
    expect(byKey.get(`payout_mismatch:${MERCHANT}:batch:8`)).toMatchObject({
      expected_amount: 1480,
      actual_amount: 1490,
      currency: "jpy",
    });
  });

  it("a later run dedups, refreshes last_seen_at, and auto-resolves what our books now agree with", async () => {
    const before = new Map((await listAll()).map((row) => [keyOf(row), row]));
    // The missed authorisation and the chargeback finally arrive.
    await deliver(
      authorise("PMISSING00000001", 1234, "08:15:00"),
      adyenItem({
        pspReference: "CDISPUTE00000001",
        originalReference: "PDISPUTE00000001",
        eventCode: "CHARGEBACK",
        value: 6000,
        eventDate: utc("16:30:00"),
        additionalData: { disputeStatus: "Undefended" },
      }),
    );
    const secondRun = await runOnce();
    const after = await listAll();
    expect(after.map(keyOf).sort()).toEqual(PLANTED);
    const status = new Map(after.map((row) => [keyOf(row), row.status]));
    expect(status.get("missing_internal:PMISSING00000001")).toBe("auto_resolved");
    expect(status.get("dispute_mismatch:PDISPUTE00000001")).toBe("auto_resolved");
    const stillOpen = PLANTED.filter(
      (key) => !key.startsWith("missing_internal") && !key.startsWith("dispute_mismatch"),
    );
    for (const key of stillOpen) {
      expect(status.get(key)).toBe("open");
      expect(new Date(after.find((row) => keyOf(row) === key)!.last_seen_at).getTime()).toBeGreaterThan(
        new Date(before.get(key)!.last_seen_at).getTime(),
      );
    }
    expect((await listAll(`&run_id=${secondRun}`)).map(keyOf).sort()).toEqual(stillOpen.sort());
  });
});
