import "server-only";
import type { DiscrepancyKind } from "@/db/schema";
import { findDepositDifferences } from "../ledger";
import { findListedChildDifferences } from "../listed-children";
import type { MatchInput, Tx } from "../match";
import { findObjectDifferences } from "../objects";

/**
 * MangoPay's resources (staged through `listRecords`) against our records:
 * pay-ins, refunds, disputes and payouts object by object, then refunds and
 * disputes per pay-in. A run lists only the resources whose events fall in
 * its period, so a pay-in's refunded total cannot be compared whole: each
 * refund MangoPay lists must be on our books as SUCCEEDED with the same
 * amount, and each dispute must have marked its pay-in disputed. Those
 * findings name the pay-in, and are made only for pay-ins we hold (a missing
 * pay-in is one `missing_internal`, not one finding per thing it lacks).
 */
export async function findMangopayDifferences(
  tx: Tx,
  checked: ReadonlySet<DiscrepancyKind>,
  input: MatchInput,
) {
  await findObjectDifferences(tx, checked, input, {
    paymentTotals: false,
    childrenListed: false,
    childStatuses: false,
  });
  if (checked.has("deposit_missing") || checked.has("deposit_mismatch"))
    await findDepositDifferences(tx, input);

  await findListedChildDifferences(tx, checked, input, {
    heldPayments: tx`select key, disputed from recon_our_groups where has_intent or charges > 0`,
    listedRefundStatus: "SUCCEEDED",
    ourRefundStatus: "SUCCEEDED",
  });
}
