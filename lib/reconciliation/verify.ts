import "server-only";
import { rawSql } from "@/db";
import type { DiscrepancyKind } from "@/db/schema";
import { recentlyProcessedObjects } from "@/lib/events/queries";
import { log } from "@/lib/log";
import { webhookProvider } from "@/lib/providers/registry";
import { isProviderUnavailable } from "@/lib/providers/types";
import { internalRecords } from "@/lib/records/books";

type Recent = { provider: string; objectType: string; objectId: string };
type Internal = {
  kind: string;
  object_id: string;
  charge_id: string | null;
  status: string | null;
  amount: number | null;
  currency: string | null;
  amount_refunded: number | null;
};

const VERIFIED_TYPES = new Set(["payment_intent", "charge", "payout"]);

/**
 * VERIFY_VIA_API: re-fetches objects whose events were processed recently and
 * records a discrepancy when the provider's current state differs from our
 * record. It never writes to the record itself: a difference is for finance
 * (or a later event) to settle.
 */
export async function verifyRecentlyProcessed({
  sinceSeconds,
  limit = 200,
}: {
  sinceSeconds: number;
  limit?: number;
}) {
  const sql = rawSql();
  const recent: Recent[] = await recentlyProcessedObjects({
    sinceSeconds,
    objectTypes: [...VERIFIED_TYPES],
    limit,
  });
  let flagged = 0;
  for (const object of recent) {
    const provider = webhookProvider(object.provider);
    if (!provider?.fetchObject) continue;
    let fetched;
    try {
      fetched = await provider.fetchObject({ type: object.objectType, id: object.objectId });
    } catch (error) {
      if (isProviderUnavailable(error)) {
        log.warn({ err: error, object: object.objectId }, "verify via API: provider unavailable");
        return { checked: 0, flagged };
      }
      throw error;
    }
    const [record] = await sql<Internal[]>`
      select * from (${internalRecords({ sql, provider: object.provider })}) r
      where r.object_id = ${object.objectId} or r.charge_id = ${object.objectId}
      limit 1`;
    if (!record) continue;
    const findings = compare(object, record, fetched.found ? fetched.object.data : null);
    for (const finding of findings) {
      flagged += 1;
      await sql`
        insert into discrepancies (kind, provider, object_id, object_type, expected_amount, actual_amount,
          currency, amount_at_risk, expected, actual, details)
        values (${finding.kind}, ${object.provider}, ${record.object_id}, ${record.kind === "payout" ? "payout" : "payment_intent"},
          ${finding.expectedAmount}, ${finding.actualAmount}, ${record.currency}, ${finding.atRisk},
          ${JSON.stringify(finding.expected)}::jsonb, ${JSON.stringify(finding.actual)}::jsonb,
          ${JSON.stringify({ source: "verify_via_api", fetched_object: object.objectId, charge_id: record.charge_id })}::jsonb)
        on conflict (kind, provider, object_id) do update set last_seen_at = now(), updated_at = now(),
          expected = excluded.expected, actual = excluded.actual,
          status = case when discrepancies.status = 'auto_resolved' then 'open' else discrepancies.status end`;
    }
  }
  return { checked: recent.length, flagged };
}

type Finding = {
  kind: DiscrepancyKind;
  expectedAmount: number | null;
  actualAmount: number | null;
  atRisk: number;
  expected: Record<string, unknown>;
  actual: Record<string, unknown>;
};

/** Provider's current values are "expected"; ours are "actual". */
export function compare(object: Recent, record: Internal, data: Record<string, unknown> | null): Finding[] {
  if (!data) {
    return [
      {
        kind: "missing_at_provider",
        expectedAmount: null,
        actualAmount: record.amount,
        atRisk: record.amount ?? 0,
        expected: {},
        actual: { status: record.status, amount: record.amount },
      },
    ];
  }
  const findings: Finding[] = [];
  const amount = typeof data.amount === "number" ? data.amount : null;
  if (amount !== null && amount !== record.amount)
    findings.push({
      kind: "amount_mismatch",
      expectedAmount: amount,
      actualAmount: record.amount,
      atRisk: Math.abs(amount - (record.amount ?? 0)),
      expected: { amount },
      actual: { amount: record.amount },
    });
  // A currency or a status that differs puts the whole amount at risk, whatever the amounts say.
  const wholeAmount = (kind: DiscrepancyKind, field: "currency" | "status", provider: string): Finding => ({
    kind,
    expectedAmount: amount,
    actualAmount: record.amount,
    atRisk: amount ?? 0,
    expected: { [field]: provider },
    actual: { [field]: record[field] },
  });
  if (typeof data.currency === "string" && data.currency !== record.currency)
    findings.push(wholeAmount("currency_mismatch", "currency", data.currency));
  // A charge's status vocabulary differs from its payment intent's: statuses compare like for like only.
  if (object.objectType !== "charge" && typeof data.status === "string" && data.status !== record.status)
    findings.push(wholeAmount("status_mismatch", "status", data.status));
  if (
    object.objectType === "charge" &&
    typeof data.amount_refunded === "number" &&
    data.amount_refunded !== (record.amount_refunded ?? 0)
  )
    findings.push({
      kind: "refund_mismatch",
      expectedAmount: data.amount_refunded,
      actualAmount: record.amount_refunded ?? 0,
      atRisk: Math.abs(data.amount_refunded - (record.amount_refunded ?? 0)),
      expected: { amount_refunded: data.amount_refunded },
      actual: { amount_refunded: record.amount_refunded },
    });
  return findings;
}
