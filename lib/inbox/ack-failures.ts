import "server-only";
import { rawSql } from "@/db";
import { log } from "@/lib/log";

const FLUSH_EVERY_MS = 5_000;
// Enough distinct (minute, provider, reason) keys for hours of outage; beyond it we count into the last one.
const MAX_BUFFERED_KEYS = 5_000;

type Buffered = { minute: string; provider: string; reason: string; count: number };
const holder = globalThis as unknown as {
  __tallyAckFailures?: { pending: Map<string, Buffered>; lastFlushAt: number };
};
const state = (holder.__tallyAckFailures ??= { pending: new Map(), lastFlushAt: 0 });

const minuteOf = (at: Date) => {
  const minute = new Date(at);
  minute.setUTCSeconds(0, 0);
  return minute.toISOString();
};

async function write(entry: Buffered): Promise<void> {
  const sql = rawSql();
  await sql`
    insert into delivery_counts (minute, provider, outcome, reason, count)
    values (${entry.minute}, ${entry.provider}, 'failed', ${entry.reason}, ${entry.count})
    on conflict (minute, provider, outcome, reason)
    do update set count = delivery_counts.count + excluded.count`;
}

function buffer(entry: Buffered): void {
  const key = `${entry.minute}|${entry.provider}|${entry.reason}`;
  const existing = state.pending.get(key);
  if (existing) existing.count += entry.count;
  else if (state.pending.size < MAX_BUFFERED_KEYS) state.pending.set(key, { ...entry });
  else [...state.pending.values()].at(-1)!.count += entry.count;
}

/**
 * Counts a delivery we answered with a 5xx: the provider will retry it, but
 * only for so long. Usually the database is why we failed, so a failed write
 * is kept in memory (with its minute) and written when the database is back.
 */
export async function recordAckFailure({
  provider,
  status,
  at = new Date(),
}: {
  provider: string;
  status: number;
  at?: Date;
}): Promise<void> {
  const entry = { minute: minuteOf(at), provider, reason: `http_${status}`, count: 1 };
  try {
    await write(entry);
  } catch {
    buffer(entry);
  }
}

/** Writes buffered failures once the database answers again; throttled, best effort. */
export async function flushAckFailures({ force = false } = {}): Promise<number> {
  if (state.pending.size === 0) return 0;
  if (!force && Date.now() - state.lastFlushAt < FLUSH_EVERY_MS) return 0;
  state.lastFlushAt = Date.now();
  let written = 0;
  for (const [key, entry] of state.pending) {
    try {
      await write(entry);
      state.pending.delete(key);
      written += 1;
    } catch (err) {
      log.debug({ err }, "ack failures still buffered");
      break;
    }
  }
  return written;
}
