import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as health } from "@/app/api/health/route";
import { closeDb, rawSql } from "@/db";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "@/db/embedded";
import { runMigrations } from "@/db/migrate";
import { checkHealth } from "@/lib/monitoring/health";

type HealthBody = {
  status: string;
  database: { reachable: boolean; error?: string };
  workers: { worker_id: string; last_beat_age_ms: number; alive: boolean }[];
  backlog: { size: number; oldest_pending_age_ms: number | null };
};

const dataDir = mkdtempSync(path.join(tmpdir(), "tally-monitoring-health-"));
let database: EmbeddedDatabase;
let port: number;

async function getHealth() {
  const response = await health();
  return { status: response.status, body: (await response.json()) as HealthBody };
}

/** After a restart the pool's old connections fail once each; a few calls later it has reconnected. */
async function healthAfterReconnect() {
  let last = await getHealth();
  for (let attempt = 0; attempt < 20 && last.status !== 200; attempt++) last = await getHealth();
  return last;
}

beforeAll(async () => {
  database = await startEmbeddedPostgres({ dataDir });
  port = Number(new URL(database.url).port);
  await runMigrations(database.url, path.join(import.meta.dirname, "../../../drizzle"));
  process.env.DATABASE_URL = database.url;
  const sql = rawSql();
  await sql`insert into worker_heartbeats (worker_id, hostname, pid, beat_at)
    values ('w-live', 'host', 1, now()), ('w-quiet', 'host', 2, now() - interval '5 minutes')`;
  await sql`insert into events (provider, provider_event_id, type, status, received_at)
    values ('stripe', 'evt_h1', 'charge.succeeded', 'pending', now() - interval '90 seconds'),
           ('stripe', 'evt_h2', 'charge.succeeded', 'processed', now())`;
});

afterAll(async () => {
  await closeDb();
  await database?.destroy().catch(() => {});
  rmSync(dataDir, { recursive: true, force: true });
});

describe("GET /api/health", () => {
  it("reports the database, each worker's last beat and the backlog", async () => {
    const { status, body } = await getHealth();
    expect(status).toBe(200);
    expect(body.database.reachable).toBe(true);
    const workers = Object.fromEntries(body.workers.map((worker) => [worker.worker_id, worker]));
    expect(workers["w-live"]?.alive).toBe(true);
    expect(workers["w-quiet"]?.alive).toBe(false);
    expect(workers["w-quiet"]?.last_beat_age_ms).toBeGreaterThanOrEqual(300_000);
    expect(body.backlog.size).toBe(1);
    expect(body.backlog.oldest_pending_age_ms).toBeGreaterThanOrEqual(90_000);
  });

  it("goes 503 when the database stops and back to 200 when it starts again", async () => {
    await database.stop();
    const down = await getHealth();
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ status: "unavailable", database: { reachable: false } });

    database = await startEmbeddedPostgres({ dataDir, port });
    const up = await healthAfterReconnect();
    expect(up.status).toBe(200);
    expect(up.body.backlog.size).toBe(1);
  });

  it("answers 503 instead of hanging when the database accepts connections but never replies", async () => {
    const sockets: net.Socket[] = [];
    const blackHole = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => blackHole.listen(0, "127.0.0.1", resolve));
    const { port: holePort } = blackHole.address() as net.AddressInfo;
    const realUrl = process.env.DATABASE_URL;
    process.env.DATABASE_URL = `postgres://tally:tally@127.0.0.1:${holePort}/tally`;
    try {
      const result = await checkHealth({ timeoutMs: 200 });
      expect(result.ok).toBe(false);
      expect(result.body.database).toEqual({ reachable: false, error: "timeout" });
    } finally {
      await closeDb().catch(() => {});
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => blackHole.close(() => resolve()));
      process.env.DATABASE_URL = realUrl;
    }
  });
});
