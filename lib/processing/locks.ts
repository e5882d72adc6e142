import "server-only";
import type { TransactionSql } from "postgres";
import type { Event } from "@/db/schema";
import { groupIdOf, type RecordSnapshot } from "@/lib/records/snapshot";

/**
 * The lock keys one event needs: each object it states and each payment
 * group those objects belong to. The object's own key matters too: one
 * object's snapshots can name different groups over its life (an invoice
 * gains its payment intent), and its events must still serialise.
 */
export function lockKeysOf({ event, snapshots }: { event: Event; snapshots: RecordSnapshot[] }): string[] {
  const keys = snapshots.flatMap((s) => [
    `${event.provider}:${groupIdOf(s)}`,
    `${event.provider}:${s.objectId}`,
  ]);
  if (keys.length === 0 && event.objectId) keys.push(`${event.provider}:${event.objectId}`);
  return keys;
}

/**
 * Takes every key's transaction-scoped advisory lock in one statement. The
 * locks are taken in ascending order of the lock ids themselves (the
 * subquery's order is the order the outer select evaluates in), so any two
 * transactions — whatever sets of keys they need — cannot deadlock.
 */
export async function lockAll({ tx, keys }: { tx: TransactionSql; keys: string[] }): Promise<void> {
  const unique = [...new Set(keys)];
  if (unique.length === 0) return;
  await tx`
    select pg_advisory_xact_lock(id)
    from (select distinct hashtextextended(k, 0) as id
          from jsonb_array_elements_text(${JSON.stringify(unique)}::jsonb) as v(k) order by id) ordered`;
}
