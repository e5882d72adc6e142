import "server-only";
import { rawSql } from "@/db";
import { knownEventIds } from "@/lib/events/known";
import { listMangopayEvents } from "@/lib/providers/mangopay/api";
import { mangopayResourceKind } from "@/lib/providers/mangopay/event-types";
import { normaliseMangopayHook, type MangopayHook } from "@/lib/providers/mangopay/hook";
import type { NormalisedEvent } from "@/lib/providers/types";
import { stageRows, type PullInput, type StagedRow } from "../stage";

/**
 * The hooks MangoPay's event list shows for the period that we never stored,
 * staged as the hook each should have been (id `EventType:RessourceId:Date`)
 * for recovery after matching (../recover.ts). A refund's or dispute's hook
 * is linked to its pay-in as the resource pull staged it.
 */
export async function stageMissedMangopayHooks({ runId, from, to, progress }: PullInput) {
  const sql = rawSql();
  await progress({ step: "events" });
  for (let page = 1; ; page += 1) {
    const { events, totalPages } = await listMangopayEvents({ from, to, page });
    const hooks: MangopayHook[] = events
      .filter((event) => event.Date * 1000 >= from.getTime() && event.Date * 1000 < to.getTime())
      .map((event) => ({ EventType: event.EventType, RessourceId: event.ResourceId, Date: event.Date }));
    const known = await knownEventIds({
      provider: "mangopay",
      ids: hooks.map((hook) => normaliseMangopayHook(hook).providerEventId),
    });
    const missed = hooks.filter(
      (hook) =>
        !known.has(normaliseMangopayHook(hook).providerEventId) && mangopayResourceKind(hook.EventType),
    );
    const parents = await sql<{ object_id: string; payment_intent_id: string | null }[]>`
      select object_id, payment_intent_id from reconciliation_staged
      where run_id = ${runId} and object_id = any(${missed.map((hook) => hook.RessourceId)})`;
    const payInOf = new Map(parents.map((row) => [row.object_id, row.payment_intent_id]));
    const rows: StagedRow[] = missed.map((hook) => {
      const kind = mangopayResourceKind(hook.EventType)!;
      return {
        objectType: "event",
        objectId: normaliseMangopayHook(hook).providerEventId,
        txnType: hook.EventType,
        source: hook.RessourceId,
        status: kind,
        paymentIntentId: kind === "payin" ? hook.RessourceId : (payInOf.get(hook.RessourceId) ?? null),
        created: new Date(hook.Date * 1000).toISOString(),
        payload: { ...hook },
      };
    });
    const staged = await stageRows({ runId, rows });
    await progress({ pages: 1, staged });
    if (page >= totalPages) return;
  }
}

/** A staged hook back into the inbox event it should have been. */
export function mangopayHookEvent(payload: Record<string, unknown>): NormalisedEvent | null {
  const { EventType, RessourceId, Date: date } = payload;
  if (typeof EventType !== "string" || typeof RessourceId !== "string" || typeof date !== "number")
    return null;
  return normaliseMangopayHook({ EventType, RessourceId, Date: date });
}
