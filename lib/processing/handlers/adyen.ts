import "server-only";
import { adyenRecordChanges } from "@/lib/providers/adyen/records";
import type { AdyenItem } from "@/lib/providers/adyen/normalise";
import type { RecordChange } from "@/lib/providers/types";

/**
 * An Adyen event's payload is its verified NotificationRequestItem; processing
 * applies that item itself (Adyen has no read API to re-fetch from).
 */
export function adyenEventChanges({ payload }: { payload: Record<string, unknown> | null }): RecordChange[] {
  if (!payload || typeof payload.pspReference !== "string" || typeof payload.eventCode !== "string")
    return [];
  return adyenRecordChanges(payload as AdyenItem);
}
