import "server-only";
import { fetchMangopayResource } from "@/lib/providers/mangopay/api";
import { mangopayResourceKind } from "@/lib/providers/mangopay/event-types";
import { mangopayRecordChange } from "@/lib/providers/mangopay/records";
import type { RecordChange } from "@/lib/providers/types";

export type MangopayEventInput = { type: string; objectId: string | null };

/**
 * What a stored MangoPay hook amounts to once the resource has been fetched
 * back: record changes to apply, or a reason to apply nothing.
 */
export type MangopayPrepared =
  | { outcome: "apply"; changes: RecordChange[] }
  | { outcome: "no_change"; reason: "resource_unknown_to_mangopay" | "unusable_resource" | "unhandled_type" };

/**
 * Runs BEFORE the event's transaction opens: it is a network call. The hook
 * only says which resource to look at; everything applied comes from the API.
 * A resource the API does not know yields no change (a forged or mistaken
 * hook creates nothing). An outage throws ProviderUnavailableError so the
 * event is retried, then dead-lettered, and stays replayable.
 */
export async function prepareMangopayEvent({
  type,
  objectId,
}: MangopayEventInput): Promise<MangopayPrepared> {
  const kind = mangopayResourceKind(type);
  if (!kind || !objectId) return { outcome: "no_change", reason: "unhandled_type" };
  const fetched = await fetchMangopayResource(kind, objectId);
  const observedAt = new Date();
  if (!fetched.found) return { outcome: "no_change", reason: "resource_unknown_to_mangopay" };
  // The API must answer about the resource the hook named, not another one.
  if (fetched.object.data.Id !== objectId) return { outcome: "no_change", reason: "unusable_resource" };
  const change = mangopayRecordChange(kind, fetched.object.data, observedAt);
  return change
    ? { outcome: "apply", changes: [change] }
    : { outcome: "no_change", reason: "unusable_resource" };
}
