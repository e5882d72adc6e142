import "server-only";
import { rawSql } from "@/db";

/**
 * Takes (or renews) the lease on `name` for `ttlMs`. True when this holder
 * may run the job now; another process's unexpired lease wins.
 */
export async function acquireLease({ name, holder, ttlMs }: { name: string; holder: string; ttlMs: number }) {
  const sql = rawSql();
  const rows = await sql`
    insert into job_leases (name, holder, leased_until)
    values (${name}, ${holder}, now() + make_interval(secs => ${ttlMs / 1000}))
    on conflict (name) do update
      set holder = excluded.holder, leased_until = excluded.leased_until
      where job_leases.leased_until is null
         or job_leases.leased_until < now()
         or job_leases.holder = excluded.holder
    returning name`;
  return rows.length === 1;
}

export async function releaseLease({ name, holder }: { name: string; holder: string }) {
  const sql = rawSql();
  await sql`update job_leases set leased_until = null where name = ${name} and holder = ${holder}`;
}

export async function recordJobRun({ name, error }: { name: string; error?: string }) {
  const sql = rawSql();
  await sql`update job_leases set last_run_at = now(), last_error = ${error ?? null} where name = ${name}`;
}

/** Claims one occurrence of a schedule (e.g. a day); false when another process already has. */
export async function claimScheduleOccurrence({ key, holder }: { key: string; holder: string }) {
  const sql = rawSql();
  const rows = await sql`
    insert into schedule_runs (key, holder) values (${key}, ${holder})
    on conflict (key) do nothing returning key`;
  return rows.length === 1;
}
