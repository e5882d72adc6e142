import "server-only";
import { AppError } from "@/lib/errors";
import { webhookProvider } from "@/lib/providers/registry";
import { stageRows, type PullInput, type StagedRow } from "../stage";

const STAGED_TYPE: Record<string, string> = {
  payment: "payment_intent",
  payin: "payment_intent",
  charge: "charge",
  payout: "payout",
  refund: "refund",
  dispute: "dispute",
};

/** A MangoPay payout reaches the bank when it executes: that is the date its deposit is booked near. */
function executionDate(data: Record<string, unknown>): string | null {
  return typeof data.ExecutionDate === "number" ? new Date(data.ExecutionDate * 1000).toISOString() : null;
}

/**
 * Providers without a Stripe-style ledger (MangoPay) list their money-moving
 * records through the provider interface; those are staged as payments and
 * payouts so the same matching applies (no balance transactions, so no fee,
 * FX or payout-sum checks).
 */
export async function pullGeneric({ runId, provider, from, to, progress }: PullInput & { provider: string }) {
  const source = webhookProvider(provider);
  if (!source?.listRecords) {
    throw new AppError(
      "bad_request",
      `${provider} has no listing API to reconcile against; import its settlement report instead`,
    );
  }
  let cursor: string | null = null;
  do {
    const page = await source.listRecords({ from, to, cursor });
    const rows: StagedRow[] = page.records.map((record) => ({
      objectType: STAGED_TYPE[record.objectType] ?? record.objectType,
      objectId: record.objectId,
      // A refund or dispute belongs to the pay-in it names (MangoPay's InitialTransactionId).
      paymentIntentId:
        record.objectType === "payin" || record.objectType === "payment"
          ? record.objectId
          : typeof record.data.InitialTransactionId === "string"
            ? record.data.InitialTransactionId
            : null,
      status: record.status,
      amount: record.amount,
      currency: record.currency.toLowerCase(),
      created: record.created.toISOString(),
      arrivalDate: record.objectType === "payout" ? executionDate(record.data) : null,
    }));
    const staged = await stageRows({ runId, rows });
    await progress({ pages: 1, staged });
    cursor = page.nextCursor;
  } while (cursor);
}
