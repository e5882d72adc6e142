import type { RecordSnapshot, SnapshotSource } from "./snapshot";
import { isTerminal, statusRank } from "./state-machines";

const pad = (value: number, width: number) => String(Math.max(0, Math.floor(value))).padStart(width, "0");

/**
 * A total order on the snapshots of one object. A record always holds the
 * snapshot with the greatest key, so applying any permutation of an object's
 * events, with any duplicates, ends in the same state as in-order delivery
 * (the maximum of a set does not depend on the order it is read in).
 *
 * Compared as strings, most significant first:
 *   1. terminal state — a final state is never left (late "active" after "canceled");
 *   2. the provider's event time — newer facts win (late "payment_failed" after "succeeded");
 *   3. lifecycle rank — within one instant, the later state wins;
 *   4. progress — within one state, more refunded/disputed is the later snapshot;
 *   5. the event id — an arbitrary but fixed tie-break, so the order is total.
 */
export function orderKey(snapshot: RecordSnapshot, source: SnapshotSource): string {
  const terminal = isTerminal(snapshot.kind, snapshot.status) ? 1 : 0;
  const time = source.occurredAt?.getTime() ?? 0;
  const rank = statusRank(snapshot.kind, snapshot.status);
  const progress = (snapshot.ownAmountRefunded ?? 0) * 2 + (snapshot.ownDisputed ? 1 : 0);
  return [terminal, pad(time, 15), pad(rank, 3), pad(progress, 16), source.eventId].join("|");
}
