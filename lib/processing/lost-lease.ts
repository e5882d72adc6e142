import "server-only";

/** The lease moved to another worker (ours expired): this attempt must not commit. */
export class LostLease extends Error {
  constructor(message = "lease lost; another worker owns the event") {
    super(message);
    this.name = "LostLease";
  }
}
