export const PROVIDERS = ["stripe", "mangopay", "adyen"] as const;
export type ProviderName = (typeof PROVIDERS)[number];

export const isProviderName = (value: string): value is ProviderName =>
  (PROVIDERS as readonly string[]).includes(value);

/** The request headers a provider reads: a web `Headers`, or node:http's parsed ones behind the same `get`. */
export type HeaderReader = { get(name: string): string | null };

/** A webhook delivery exactly as it reached us: the raw bytes, never re-serialised. */
export type WebhookRequest = {
  method: string;
  url: URL;
  headers: HeaderReader;
  body: Buffer;
  remoteAddr?: string;
};

/** A webhook reply, independent of the HTTP layer that sends it (a route handler or node:http). */
export type WebhookReply = { status: number; headers: Record<string, string>; body: string };

/** One provider event, normalised for the inbox. */
export type NormalisedEvent = {
  providerEventId: string;
  type: string;
  account: string;
  objectId: string | null;
  objectType: string | null;
  providerCreatedAt: Date | null;
  payload: Record<string, unknown>;
  /**
   * The payload is the delivery's whole raw body, parsed: the inbox then
   * stores it from the raw body instead of sending the same JSON twice.
   */
  payloadIsBody?: boolean;
  livemode?: boolean;
  /** False when no handler exists for the type: stored and marked ignored. */
  handled: boolean;
};

export type Verification =
  | { ok: true; events: NormalisedEvent[]; headers: Record<string, string> }
  | { ok: false; status: 400 | 401 | 403; reason: string; message: string };

export type IntakeResult = { stored: number; duplicates: number };

/** An object as the provider's own API returns it right now. */
export type ProviderObject = { id: string; type: string; data: Record<string, unknown> };

/**
 * The provider's answer about one object. `not_found` is a definite answer
 * (the provider does not know it); an outage is thrown as ProviderUnavailableError.
 */
export type FetchedObject = { found: true; object: ProviderObject } | { found: false };

/** One money-moving record as the provider's books list it, for reconciliation. */
export type ProviderRecord = {
  objectId: string;
  objectType: string;
  status: string;
  amount: number;
  currency: string;
  created: Date;
  data: Record<string, unknown>;
};

export type RecordPage = { records: ProviderRecord[]; nextCursor: string | null };

/** The provider's API could not answer (network, timeout, 5xx, rate limit): retry later. */
export class ProviderUnavailableError extends Error {
  constructor(
    readonly provider: ProviderName,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "ProviderUnavailableError";
  }
}

export const isProviderUnavailable = (error: unknown): error is ProviderUnavailableError =>
  error instanceof ProviderUnavailableError;

/** The provider's API is not configured here (no credentials), so it cannot be asked. */
export class ProviderNotConfiguredError extends Error {
  constructor(
    readonly provider: ProviderName,
    readonly variables: readonly string[],
  ) {
    super(`${provider} API is not configured: set ${variables.join(", ")}`);
    this.name = "ProviderNotConfiguredError";
  }
}

export interface WebhookProvider {
  readonly name: ProviderName;
  /** HTTP methods the provider delivers with; anything else is a 405. */
  readonly methods: readonly string[];
  /** Verifies the raw request and normalises it into events. Never throws for bad input. */
  verify(request: WebhookRequest): Verification;
  /** The reply the provider expects once every event is durably stored. */
  acknowledge(result: IntakeResult): WebhookReply;
  /**
   * Asks the provider's API for one object (`type` is the normalised object type).
   * Absent when the provider has no read API for its objects (Adyen).
   */
  fetchObject?(input: { type: string; id: string }): Promise<FetchedObject>;
  /**
   * Lists the provider's money-moving records created in [from, to), one page at a time.
   * Absent when the provider has no listing API (Adyen's books arrive as REPORT_AVAILABLE files).
   */
  listRecords?(input: { from: Date; to: Date; cursor?: string | null }): Promise<RecordPage>;
}

/**
 * What one verified provider fact says about one internal record, in
 * provider-neutral terms; processing applies it through the records' state
 * machines. `status` is the provider's own word for the object's state.
 */
export type RecordChange = {
  kind: "payment" | "refund" | "dispute" | "payout" | "report";
  objectId: string;
  status: string;
  amount: number | null;
  currency: string | null;
  /** The payment a refund or dispute belongs to. */
  parentId?: string | null;
  fee?: number | null;
  /** When the provider says the object itself was created; only facts that know it state it. */
  createdAt?: Date | null;
  /** When the provider stated this fact: it orders the facts about one object. */
  occurredAt: Date | null;
  details?: Record<string, unknown>;
};
