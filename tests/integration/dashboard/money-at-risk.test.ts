import { beforeAll, describe, expect, it } from "vitest";
import { GET as metrics } from "@/app/api/metrics/route";
import { GET as listDiscrepanciesRoute } from "@/app/api/v1/discrepancies/route";
import { GET as stats } from "@/app/api/v1/stats/route";
import { DISCREPANCY_KINDS, type DiscrepancyKind } from "@/db/schema";
import { createToken } from "@/lib/auth/token-admin";
import { systemPrincipal } from "@/lib/auth/principal";
import { getOverviewKpis } from "@/lib/dashboard/overview";
import { sumByCurrency } from "@/lib/money";
import { listDiscrepancies } from "@/lib/reconciliation/discrepancies";
import { openDiscrepancyTotals } from "@/lib/reconciliation/discrepancy-queries";
import { useTestDatabase, withSql } from "../helpers/db";
import { callRoute } from "../helpers/http";
import { parsePrometheusText } from "../monitoring/prometheus-text";

const database = useTestDatabase();

type Seed = { expected: number | null; actual: number | null; currency: string; atRisk: number };

/**
 * One open finding of every kind, with the amount at risk its matcher
 * stores. Several are chosen so that |expected − actual| is not the money at
 * risk: a status, currency or dispute mismatch and a duplicate charge of
 * equal amounts still put the whole amount at risk. The Record type makes a
 * new kind in the vocabulary fail to compile here until it has a seed.
 */
const SEEDS: Record<DiscrepancyKind, Seed> = {
  missing_internal: { expected: 4_000, actual: null, currency: "eur", atRisk: 4_000 },
  missing_at_provider: { expected: null, actual: 3_000, currency: "eur", atRisk: 3_000 },
  amount_mismatch: { expected: 5_000, actual: 4_000, currency: "eur", atRisk: 1_000 },
  currency_mismatch: { expected: 2_500, actual: 2_500, currency: "usd", atRisk: 2_500 },
  status_mismatch: { expected: 1_000, actual: 1_000, currency: "eur", atRisk: 1_000 },
  refund_mismatch: { expected: 500, actual: 0, currency: "usd", atRisk: 500 },
  dispute_mismatch: { expected: 1_200, actual: 1_200, currency: "eur", atRisk: 1_200 },
  fee_mismatch: { expected: 55, actual: 30, currency: "eur", atRisk: 25 },
  payout_mismatch: { expected: 10_000, actual: 9_990, currency: "usd", atRisk: 10 },
  deposit_missing: { expected: 8_000, actual: null, currency: "eur", atRisk: 8_000 },
  deposit_mismatch: { expected: 8_000, actual: 7_950, currency: "kwd", atRisk: 50 },
  duplicate_charge: { expected: 700, actual: 700, currency: "eur", atRisk: 700 },
  fx_mismatch: { expected: 1_000, actual: 1_010, currency: "usd", atRisk: 10 },
};

const expectedAtRisk = sumByCurrency(
  DISCREPANCY_KINDS.map((kind) => ({ currency: SEEDS[kind].currency, amount: SEEDS[kind].atRisk })),
);
let token: string;

beforeAll(async () => {
  await withSql(database.url, async (sql) => {
    for (const kind of DISCREPANCY_KINDS) {
      const seed = SEEDS[kind];
      await sql`
        insert into discrepancies (kind, provider, object_id, object_type, expected_amount, actual_amount,
          currency, amount_at_risk)
        values (${kind}, 'stripe', ${`obj_${kind}`}, 'payment_intent', ${seed.expected}, ${seed.actual},
          ${seed.currency}, ${seed.atRisk})`;
    }
    // Closed findings put nothing at risk any more, whichever way they were closed.
    await sql`
      insert into discrepancies (kind, provider, object_id, object_type, expected_amount, actual_amount,
        currency, amount_at_risk, status)
      values ('amount_mismatch', 'stripe', 'obj_resolved', 'payment_intent', 900, 100, 'eur', 800, 'resolved'),
             ('status_mismatch', 'stripe', 'obj_auto', 'payment_intent', 600, 600, 'eur', 600, 'auto_resolved'),
             ('fee_mismatch', 'stripe', 'obj_ignored', 'charge', 90, 10, 'usd', 80, 'ignored')`;
  });
  ({ token } = await createToken({
    principal: systemPrincipal("test"),
    input: { name: "money-at-risk", role: "viewer" },
  }));
});

describe("money at risk", () => {
  it("is the stored amount of every open discrepancy, the same on every surface", async () => {
    // The REST list, as API clients read it.
    const rest = (await callRoute(listDiscrepanciesRoute, {
      path: "/api/v1/discrepancies?status=open&limit=500",
      token,
    }).then((response) => response.json())) as {
      data: { kind: DiscrepancyKind; currency: string; amount_at_risk: number }[];
    };
    expect(rest.data).toHaveLength(DISCREPANCY_KINDS.length);
    for (const row of rest.data) expect(row.amount_at_risk).toBe(SEEDS[row.kind].atRisk);
    expect(
      sumByCurrency(rest.data.map((row) => ({ currency: row.currency, amount: row.amount_at_risk }))),
    ).toEqual(expectedAtRisk);

    // The discrepancies page: its rows (the same list) and its open-at-risk line.
    const page = await listDiscrepancies({ status: "open", limit: 50 });
    expect(page.data.map((row) => [row.kind, row.amount_at_risk]).sort()).toEqual(
      DISCREPANCY_KINDS.map((kind) => [kind, SEEDS[kind].atRisk]).sort(),
    );
    expect(await openDiscrepancyTotals()).toEqual({
      count: DISCREPANCY_KINDS.length,
      amountAtRisk: expectedAtRisk,
    });

    // The overview's KPI tile.
    const kpis = await getOverviewKpis();
    expect(kpis.openDiscrepancies).toBe(DISCREPANCY_KINDS.length);
    expect(kpis.amountAtRisk).toEqual(expectedAtRisk);

    // /api/v1/stats.
    const counted = (await callRoute(stats, { path: "/api/v1/stats", token }).then((response) =>
      response.json(),
    )) as { open_discrepancies: number };
    expect(counted.open_discrepancies).toBe(DISCREPANCY_KINDS.length);

    // /api/metrics, summed over providers per currency, and one open finding per kind.
    const scraped = parsePrometheusText((await callRoute(metrics, { path: "/api/metrics" })).text);
    const atRisk = scraped.get("tally_discrepancies_amount_at_risk_minor")!.samples;
    expect(
      sumByCurrency(atRisk.map((sample) => ({ currency: sample.labels.currency!, amount: sample.value }))),
    ).toEqual(expectedAtRisk);
    const open = scraped.get("tally_discrepancies_open")!.samples;
    expect(Object.fromEntries(open.map((sample) => [sample.labels.kind, sample.value]))).toEqual(
      Object.fromEntries(DISCREPANCY_KINDS.map((kind) => [kind, 1])),
    );
  });

  it("counts a mismatch of equal amounts at its whole amount, not at their zero difference", async () => {
    const kpis = await getOverviewKpis();
    const usd = kpis.amountAtRisk.find((money) => money.currency === "usd")!.amount;
    // currency_mismatch (2 500) and refund, payout and fx gaps: 2 500 + 500 + 10 + 10.
    expect(usd).toBe(3_020);
  });
});
