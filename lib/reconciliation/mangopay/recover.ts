import "server-only";
import { rawSql } from "@/db";
import { storeEvents } from "@/lib/inbox/store";
import { listMangopayEvents } from "@/lib/providers/mangopay/api";
import { mangopayResourceKind } from "@/lib/providers/mangopay/event-types";
import { normaliseMangopayHook } from "@/lib/providers/mangopay/hook";
import { stageRows, type StagedRow } from "../stage";

/**
 * Missed-hook recovery: every event MangoPay's event list shows for the
 * period that we never stored is stored now as the hook it should have been
 * (id `EventType:RessourceId:Date`, marked recovered; processing fetches the
 * resource as for any hook) and staged, so matching records
 * `missing_internal` with `details.recovered` for the pay-in it touches
 * (a refund's or dispute's pay-in, as staged by the resource pull).
 */
export async function recoverMissedMangopayHooks({
  runId,
  from,
  to,
  progress,
}: {
  runId: number;
  from: Date;
  to: Date;
  progress: (delta: { pages: number; staged: number; recovered?: number }) => Promise<void>;
}) {
  const sql = rawSql();
  let page = 1;
  for (;;) {
    const { events, totalPages } = await listMangopayEvents({ from, to, page });
    const inPeriod = events.filter(
      (event) => event.Date * 1000 >= from.getTime() && event.Date * 1000 < to.getTime(),
    );
    const hooks = inPeriod.map((event) =>
      normaliseMangopayHook({ EventType: event.EventType, RessourceId: event.ResourceId, Date: event.Date }),
    );
    const ids = hooks.map((hook) => hook.providerEventId);
    const known = await sql<{ provider_event_id: string }[]>`
      select provider_event_id from events where provider = 'mangopay' and provider_event_id = any(${ids})`;
    const knownIds = new Set(known.map((row) => row.provider_event_id));
    const missed = hooks.filter((hook) => !knownIds.has(hook.providerEventId));
    let recovered = 0;
    if (missed.length > 0) {
      const stored = await storeEvents({
        provider: "mangopay",
        events: missed,
        rawBody: "",
        headers: { "x-tally-recovered-by": `reconciliation-run:${runId}` },
        recovered: true,
      });
      const storedIds = new Set(stored.stored.map((row) => row.providerEventId));
      const resourceIds = missed.map((hook) => hook.objectId!);
      const parents = await sql<{ object_id: string; payment_intent_id: string | null }[]>`
        select object_id, payment_intent_id from reconciliation_staged
        where run_id = ${runId} and object_id = any(${resourceIds})`;
      const payInOf = new Map(parents.map((row) => [row.object_id, row.payment_intent_id]));
      const rows: StagedRow[] = missed
        .filter((hook) => storedIds.has(hook.providerEventId) && hook.objectType)
        .map((hook) => {
          const kind = mangopayResourceKind(hook.type)!;
          return {
            objectType: "recovered_event",
            objectId: hook.providerEventId,
            txnType: hook.type,
            source: hook.objectId,
            status: kind === "payin" ? "payment_intent" : kind,
            paymentIntentId: kind === "payin" ? hook.objectId : (payInOf.get(hook.objectId!) ?? null),
            created: hook.providerCreatedAt!.toISOString(),
          };
        });
      await stageRows({ runId, rows });
      recovered = rows.length;
    }
    await progress({ pages: 1, staged: 0, recovered });
    if (page >= totalPages) return;
    page += 1;
  }
}
