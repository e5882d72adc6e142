import "server-only";
import { rawSql } from "@/db";
import { log } from "@/lib/log";

export const EVENTS_CHANNEL = "tally_events";

/** At most one NOTIFY per this long: workers gather what arrives after a wake-up for longer anyway. */
const NOTIFY_GAP_MS = 5;

let inFlight = false;
let again = false;

/**
 * Wakes the workers after events were committed. The NOTIFY is its own
 * statement, not part of the inserting transaction: PostgreSQL serialises
 * the commits of notifying transactions on one global lock held across the
 * WAL flush, which capped intake at one fsync per delivery (about 400/s
 * here) instead of letting concurrent commits share a flush. Calls coalesce
 * to one NOTIFY in flight per process and at most one per NOTIFY_GAP_MS.
 * A wake-up is only a hint (workers also poll), so a lost one delays
 * processing but loses nothing: its transaction commits without waiting
 * for the WAL flush (a NOTIFY takes a transaction id, so it would otherwise
 * cost a commit record flush of its own per wake-up).
 */
export function wakeWorkers(): void {
  if (inFlight) {
    again = true;
    return;
  }
  inFlight = true;
  void (async () => {
    try {
      do {
        again = false;
        await rawSql()`select set_config('synchronous_commit', 'off', true), pg_notify(${EVENTS_CHANNEL}, '')`;
        await new Promise((resolve) => setTimeout(resolve, NOTIFY_GAP_MS));
      } while (again);
    } catch (err) {
      log.warn({ err }, "could not wake the workers; they will poll");
    } finally {
      inFlight = false;
    }
  })();
}
