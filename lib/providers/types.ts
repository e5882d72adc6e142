export const PROVIDERS = ["stripe", "mangopay", "adyen"] as const;
export type ProviderName = (typeof PROVIDERS)[number];

export const isProviderName = (value: string): value is ProviderName =>
  (PROVIDERS as readonly string[]).includes(value);

/** A webhook delivery exactly as it reached us: the raw bytes, never re-serialised. */
export type WebhookRequest = {
  method: string;
  url: URL;
  headers: Headers;
  body: Buffer;
  remoteAddr?: string;
};

/** One provider event, normalised for the inbox. */
export type NormalisedEvent = {
  providerEventId: string;
  type: string;
  account: string;
  objectId: string | null;
  objectType: string | null;
  providerCreatedAt: Date | null;
  payload: Record<string, unknown>;
  livemode?: boolean;
  /** False when no handler exists for the type: stored and marked ignored. */
  handled: boolean;
};

export type Verification =
  | { ok: true; events: NormalisedEvent[]; headers: Record<string, string> }
  | { ok: false; status: 400 | 401 | 403; reason: string; message: string };

export type IntakeResult = { stored: number; duplicates: number };

export interface WebhookProvider {
  readonly name: ProviderName;
  /** HTTP methods the provider delivers with; anything else is a 405. */
  readonly methods: readonly string[];
  /** Verifies the raw request and normalises it into events. Never throws for bad input. */
  verify(request: WebhookRequest): Verification;
  /** The reply the provider expects once every event is durably stored. */
  acknowledge(result: IntakeResult): Response;
}
