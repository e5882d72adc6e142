import type { Event, EventAttempt } from "@/db/schema";

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);

export type EventSummary = Pick<
  Event,
  | "id"
  | "provider"
  | "providerEventId"
  | "type"
  | "status"
  | "attempts"
  | "objectId"
  | "receivedAt"
  | "processedAt"
  | "lastError"
> &
  Partial<Pick<Event, "account" | "providerCreatedAt" | "nextAttemptAt" | "recovered" | "objectType">>;

export function serializeEventSummary(event: EventSummary) {
  return {
    id: event.id,
    provider: event.provider,
    provider_event_id: event.providerEventId,
    type: event.type,
    status: event.status,
    attempts: event.attempts,
    object_id: event.objectId,
    object_type: event.objectType ?? null,
    account: event.account ?? "",
    received_at: iso(event.receivedAt),
    provider_created_at: iso(event.providerCreatedAt),
    processed_at: iso(event.processedAt),
    next_attempt_at: iso(event.nextAttemptAt),
    last_error: event.lastError,
    recovered: event.recovered ?? false,
  };
}

export function serializeAttempt(attempt: EventAttempt) {
  return {
    attempt: attempt.attempt,
    started_at: iso(attempt.startedAt),
    finished_at: iso(attempt.finishedAt),
    outcome: attempt.outcome,
    error: attempt.error,
    duration_ms: attempt.durationMs,
    worker_id: attempt.workerId,
  };
}

export function serializeEventDetail(event: Event, attempts: EventAttempt[]) {
  return {
    ...serializeEventSummary(event),
    payload: event.payload,
    headers: event.headers,
    payload_pruned_at: iso(event.payloadPrunedAt),
    attempts_log: attempts.map(serializeAttempt),
  };
}
