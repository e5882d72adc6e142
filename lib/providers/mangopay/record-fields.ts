import type { ProviderRecord } from "../types";
import type { MangopayResourceKind } from "./event-types";

type Money = { Amount?: unknown; Currency?: unknown };

export type MangopayFields = {
  id: string;
  status: string;
  amount: number;
  currency: string;
  fees: number | null;
  created: Date;
  resultCode: string | null;
  /** The pay-in a refund or dispute belongs to. */
  initialTransactionId: string | null;
};

const money = (value: unknown): { amount: number; currency: string } | null => {
  const funds = value as Money | null | undefined;
  if (!funds || !Number.isSafeInteger(funds.Amount) || typeof funds.Currency !== "string") return null;
  return { amount: funds.Amount as number, currency: funds.Currency.toLowerCase() };
};

const text = (value: unknown): string | null =>
  typeof value === "string" && value.length > 0 ? value : null;

/**
 * Reads what the API returned for a resource. MangoPay amounts are already
 * integer minor units; a dispute's amount is its DisputedFunds.
 */
export function mangopayFields(
  kind: MangopayResourceKind,
  data: Record<string, unknown>,
): MangopayFields | null {
  const id = text(data.Id);
  const funds = money(kind === "dispute" ? data.DisputedFunds : data.DebitedFunds);
  const status = text(data.Status);
  if (!id || !funds || !status) return null;
  const created = Number(data.CreationDate);
  return {
    id,
    status,
    amount: funds.amount,
    currency: funds.currency,
    fees: money(data.Fees)?.amount ?? null,
    created: new Date((Number.isFinite(created) ? created : 0) * 1000),
    resultCode: text(data.ResultCode),
    initialTransactionId: text(data.InitialTransactionId),
  };
}

export function mangopayRecord(kind: MangopayResourceKind, data: Record<string, unknown>): ProviderRecord {
  const fields = mangopayFields(kind, data);
  return {
    objectId: fields?.id ?? String(data.Id ?? ""),
    objectType: kind,
    status: fields?.status ?? "UNKNOWN",
    amount: fields?.amount ?? 0,
    currency: fields?.currency ?? "",
    created: fields?.created ?? new Date(0),
    data,
  };
}
