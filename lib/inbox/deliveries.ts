import "server-only";
import { rawSql } from "@/db";
import { log } from "@/lib/log";

const KEEP_REJECTIONS = 10_000;

async function bump(provider: string, outcome: "duplicate" | "rejected", reason: string): Promise<void> {
  const sql = rawSql();
  await sql`
    insert into delivery_counts (minute, provider, outcome, reason, count)
    values (date_trunc('minute', now()), ${provider}, ${outcome}, ${reason}, 1)
    on conflict (minute, provider, outcome, reason) do update set count = delivery_counts.count + 1`;
}

/** Counts duplicate deliveries (they leave no new event row). Best effort: never fails the reply. */
export async function countDuplicates(provider: string, count: number): Promise<void> {
  if (count <= 0) return;
  await bump(provider, "duplicate", "").catch((err) => log.warn({ err }, "could not count duplicate"));
}

/**
 * Records a rejected delivery for monitoring: a bounded log of the latest
 * rejections plus per-minute counts. Best effort: the database may be why.
 */
export async function recordRejection(input: {
  provider: string;
  reason: string;
  statusCode: number;
  remoteAddr?: string;
  requestId?: string;
}): Promise<void> {
  const sql = rawSql();
  try {
    const [row] = await sql<{ id: string }[]>`
      insert into rejected_deliveries (provider, reason, status_code, remote_addr, request_id)
      values (${input.provider}, ${input.reason}, ${input.statusCode}, ${input.remoteAddr ?? null}, ${input.requestId ?? null})
      returning id`;
    await bump(input.provider, "rejected", input.reason);
    const id = Number(row?.id ?? 0);
    if (id % 100 === 0) await sql`delete from rejected_deliveries where id <= ${id - KEEP_REJECTIONS}`;
  } catch (err) {
    log.warn({ err, provider: input.provider }, "could not record rejected delivery");
  }
}
