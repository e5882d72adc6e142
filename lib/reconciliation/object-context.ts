import "server-only";
import { rawSql } from "@/db";
import { internalRecords } from "./internal";

export type ObjectEvent = {
  id: number;
  provider_event_id: string;
  type: string;
  status: string;
  object_id: string | null;
  recovered: boolean;
  provider_created_at: string | null;
  received_at: string;
};

/**
 * What finance needs beside a discrepancy: the events of the object (and of
 * the charge named in its details) in provider order, and our record of it.
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
  const events = await sql<ObjectEvent[]>`
    select id::int, provider_event_id, type, status, object_id, recovered,
      to_char(provider_created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as provider_created_at,
      to_char(received_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as received_at
    from events
    where provider = ${provider} and object_id = any(${ids})
    order by provider_created_at nulls last, id
    limit 200`;
  const [record] = await sql<Record<string, unknown>[]>`
    select * from (${internalRecords(sql, provider)}) r
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
