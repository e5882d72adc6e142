import "server-only";
import { rawSql } from "@/db";
import { listObjectEvents, type ObjectEvent } from "@/lib/events/queries";
import { internalRecords } from "@/lib/records/books";

/**
 * What finance needs beside a discrepancy: the events of the object (and of
 * the charge named in its details) in provider order, and our record of it
 * as matching saw it.
 */
export async function discrepancyContext({
  provider,
  objectIds,
}: {
  provider: string;
  objectIds: string[];
}): Promise<{ events: ObjectEvent[]; record: Record<string, unknown> | null }> {
  const sql = rawSql();
  const ids = objectIds.filter(Boolean);
  const events = await listObjectEvents({ provider, objectIds: ids, limit: 200 });
  const [record] = await sql<Record<string, unknown>[]>`
    select * from (${internalRecords({ sql, provider })}) r
    where r.object_id = any(${ids}) or r.charge_id = any(${ids})
    limit 1`;
  return { events, record: record ? withMinorUnits(record) : null };
}

/** postgres.js hands bigints over as strings; finance should read amounts as the numbers they are. */
function withMinorUnits(record: Record<string, unknown>): Record<string, unknown> {
  const converted: Record<string, unknown> = { ...record };
  for (const key of ["amount", "amount_refunded", "fee"]) {
    const value = record[key];
    if (typeof value === "string" && Number.isSafeInteger(Number(value))) converted[key] = Number(value);
  }
  return converted;
}
