import "server-only";
import { rawSql } from "@/db";

export type SettlementPayout = {
  provider: string;
  payout_id: string;
  status: string;
  amount: number;
  currency: string;
  created: string;
  arrival_date: string | null;
  transactions: number;
  gross: number;
  fees: number;
  net: number;
  open_issues: string[];
  matched: boolean;
};

export type SettlementReport = {
  month: string;
  payouts: SettlementPayout[];
  totals: {
    currency: string;
    payouts: number;
    amount: number;
    gross: number;
    fees: number;
    matched: number;
    unmatched: number;
  }[];
};

/** "2025-01" → [first of month, first of next month) in UTC. */
export function monthRange(month: string): { from: string; to: string } {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  const now = new Date();
  const [year, index] = match
    ? [Number(match[1]), Number(match[2]) - 1]
    : [now.getUTCFullYear(), now.getUTCMonth()];
  return {
    from: new Date(Date.UTC(year, index, 1)).toISOString(),
    to: new Date(Date.UTC(year, index + 1, 1)).toISOString(),
  };
}

export const currentMonth = () => new Date().toISOString().slice(0, 7);

/**
 * The month's payouts as the latest successful run staged them, each with
 * what it paid out (gross, fees, net, its own transaction left out) and
 * whether any settlement discrepancy is still open on it.
 */
export async function settlementReport({ month }: { month: string }): Promise<SettlementReport> {
  const sql = rawSql();
  const { from, to } = monthRange(month);
  const payouts = await sql<SettlementPayout[]>`
    with latest as (
      select distinct on (r.provider, s.object_id) r.provider, s.*
      from reconciliation_staged s
      join reconciliation_runs r on r.id = s.run_id and r.status = 'succeeded'
      where s.object_type = 'payout' and s.created >= ${from} and s.created < ${to}
      order by r.provider, s.object_id, s.run_id desc
    )
    select p.provider, p.object_id as payout_id, p.status, p.amount::float8 as amount, p.currency,
      to_char(p.created at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as created,
      to_char(p.arrival_date at time zone 'UTC', 'YYYY-MM-DD') as arrival_date,
      sums.transactions::int, sums.gross::float8, sums.fees::float8, sums.net::float8,
      coalesce(issues.kinds, '{}') as open_issues,
      issues.kinds is null as matched
    from latest p
    cross join lateral (
      select count(*) as transactions, coalesce(sum(t.amount), 0) as gross,
        coalesce(sum(t.fee), 0) as fees, coalesce(sum(t.net), 0) as net
      from reconciliation_staged t
      where t.run_id = p.run_id and t.object_type = 'balance_transaction' and t.payout_id = p.object_id
        and t.object_id is distinct from p.balance_transaction_id
        and not (t.txn_type = 'payout' and t.source = p.object_id)
    ) sums
    left join lateral (
      select array_agg(d.kind order by d.kind) as kinds from discrepancies d
      where d.provider = p.provider and d.object_id = p.object_id and d.status = 'open'
    ) issues on true
    order by p.created, p.object_id`;
  const normalised = payouts.map((payout) => ({
    ...payout,
    amount: Number(payout.amount),
    gross: Number(payout.gross),
    fees: Number(payout.fees),
    net: Number(payout.net),
  }));
  const totals = new Map<string, SettlementReport["totals"][number]>();
  for (const payout of normalised) {
    const total = totals.get(payout.currency) ?? {
      currency: payout.currency,
      payouts: 0,
      amount: 0,
      gross: 0,
      fees: 0,
      matched: 0,
      unmatched: 0,
    };
    total.payouts += 1;
    total.amount += payout.amount;
    total.gross += payout.gross;
    total.fees += payout.fees;
    if (payout.matched) total.matched += 1;
    else total.unmatched += 1;
    totals.set(payout.currency, total);
  }
  return {
    month,
    payouts: normalised,
    totals: [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency)),
  };
}
