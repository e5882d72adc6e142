import "server-only";
import { rawSql } from "@/db";
import { log } from "@/lib/log";

export const EVENTS_CHANNEL = "tally_events";

let inFlight = false;
let again = false;

/**
 * Wakes the workers after events were committed. The NOTIFY is its own
 * statement, not part of the inserting transaction: PostgreSQL serialises
 * the commits of notifying transactions on one global lock held across the
 * WAL flush, which capped intake at one fsync per delivery (about 400/s
 * here) instead of letting concurrent commits share a flush. Calls coalesce
 * to one NOTIFY in flight per process; a wake-up is only a hint (workers
 * also poll), so a lost one delays processing but loses nothing.
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
        await rawSql()`select pg_notify(${EVENTS_CHANNEL}, '')`;
      } while (again);
    } catch (err) {
      log.warn({ err }, "could not wake the workers; they will poll");
    } finally {
      inFlight = false;
    }
  })();
}
