import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { STRIPE_RESOURCES, type StripeStore } from "./stripe-api/objects";

/**
 * The sandbox provider's books survive a restart (kept under DATA_DIR), so
 * records Tally made from earlier sessions still have their provider side
 * and later reconciliation runs do not report them missing.
 */

export function loadStore(file: string): StripeStore | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<StripeStore>;
    if (!STRIPE_RESOURCES.every((key) => Array.isArray(parsed[key]))) return undefined;
    return parsed as StripeStore;
  } catch {
    // A torn or foreign file: start a fresh business rather than refuse to start.
    return undefined;
  }
}

/** Written beside and renamed over, so a crash mid-write never leaves a torn file. */
export function saveStore(file: string, store: StripeStore) {
  const partial = `${file}.tmp`;
  writeFileSync(partial, JSON.stringify(store), { mode: 0o600 });
  renameSync(partial, file);
}
