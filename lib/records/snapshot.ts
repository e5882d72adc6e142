import type { RecordKind } from "@/db/schema/records";

/**
 * What one verified provider fact says an object looks like, in
 * provider-neutral terms. Null fields are "not stated": they never erase what
 * another snapshot already told us.
 */
export type RecordSnapshot = {
  provider: string;
  kind: RecordKind;
  objectId: string;
  status: string;
  amount: number | null;
  currency: string | null;
  customerId?: string | null;
  /** The payment group this object belongs to; defaults to the object itself. */
  paymentId?: string | null;
  chargeId?: string | null;
  parentId?: string | null;
  fee?: number | null;
  net?: number | null;
  /** The object's own refunded total and dispute flag, when the provider states them. */
  ownAmountRefunded?: number | null;
  ownDisputed?: boolean | null;
  providerCreatedAt?: Date | null;
  /** When the provider stated this, if it says so itself (else the event's time is used). */
  occurredAt?: Date | null;
  data: Record<string, unknown>;
};

/** The provider fact a snapshot came from: its time orders snapshots of one object. */
export type SnapshotSource = { eventId: string; occurredAt: Date | null };

/** A permanently invalid object: retrying cannot help, so the event is dead-lettered at once. */
export class ValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ValidationError";
  }
}

export const groupIdOf = (snapshot: RecordSnapshot): string => snapshot.paymentId ?? snapshot.objectId;
