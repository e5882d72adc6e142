/**
 * The bare baseline for the ingest benchmark: the least a correct Stripe
 * receiver can do on this machine. A plain node:http server that checks the
 * signature with the same code (`checkStripeSignature`) and makes the event
 * durable with one `INSERT … ON CONFLICT DO NOTHING` (autocommit, so the
 * reply waits for the commit, as Tally's does) on the same PostgreSQL.
 *
 *   DATABASE_URL=… BARE_PORT=… STRIPE_WEBHOOK_SECRET=… node --import tsx scripts/bench/bare-server.ts
 */
import http from "node:http";
import postgres from "postgres";
import { checkStripeSignature } from "@/lib/providers/stripe/verify";

const sql = postgres(process.env.DATABASE_URL!, {
  max: Number(process.env.DATABASE_POOL_MAX ?? 10),
  onnotice: () => {},
});
const secrets = [process.env.STRIPE_WEBHOOK_SECRET!];

export const BARE_TABLE_DDL = `create table if not exists bare_events (
  provider_event_id text primary key,
  type text not null,
  payload jsonb not null,
  received_at timestamptz not null default now()
)`;

const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const body = Buffer.concat(chunks);
    const reply = (status: number, json: string) => {
      response.writeHead(status, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(json),
      });
      response.end(json);
    };
    const check = checkStripeSignature(
      body,
      (request.headers["stripe-signature"] as string) ?? null,
      secrets,
    );
    if (!check.ok) return reply(400, '{"error":"Webhook signature verification failed"}');
    let event: { id?: unknown; type?: unknown };
    try {
      event = JSON.parse(body.toString("utf8"));
    } catch {
      return reply(400, '{"error":"Body is not valid JSON"}');
    }
    const text = body.toString("utf8");
    sql`insert into bare_events (provider_event_id, type, payload)
        values (${String(event.id)}, ${String(event.type)}, ${text}::jsonb)
        on conflict do nothing`.then(
      () => reply(200, '{"received":true}'),
      () => reply(503, '{"error":"unavailable"}'),
    );
  });
});

if (process.argv[1] === import.meta.filename) {
  await sql.unsafe(BARE_TABLE_DDL);
  server.listen(Number(process.env.BARE_PORT), "127.0.0.1");
  process.on("SIGTERM", () => {
    server.close();
    server.closeAllConnections();
    void sql.end().then(() => process.exit(0));
  });
}
