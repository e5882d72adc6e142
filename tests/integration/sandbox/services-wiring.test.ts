import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { startServices } from "@/scripts/services";
import { useTestDatabase, withSql } from "../helpers/db";

const database = useTestDatabase();
const dataDir = mkdtempSync(path.join(tmpdir(), "tally-sandbox-wiring-"));

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function servicesWith(env: Record<string, string>) {
  const saved = process.env;
  process.env = { ...saved, ...env };
  try {
    const config = parseConfig({
      DATABASE_URL: database.url,
      WORKER: "off",
      PORT: "1",
      ...env,
    } as unknown as NodeJS.ProcessEnv);
    const services = await startServices({ config, dataDir });
    await services.stop();
    return services.webEnv;
  } finally {
    process.env = saved;
  }
}

const demoUsers = () =>
  withSql(database.url, (sql) => sql`select email from users where email like 'demo@%'`);

describe("sandbox wiring in startServices", () => {
  it("stays off with SIMULATE=0: no sandbox environment, no demo data", async () => {
    const env = await servicesWith({ SIMULATE: "0" });
    expect(env.TALLY_SANDBOX).toBeUndefined();
    expect(env.STRIPE_API_BASE).toBeUndefined();
    expect(await demoUsers()).toHaveLength(0);
  });

  it("stays off by default when provider credentials are configured", async () => {
    const env = await servicesWith({ STRIPE_WEBHOOK_SECRET: "whsec_real_account" });
    expect(env.TALLY_SANDBOX).toBeUndefined();
    expect(await demoUsers()).toHaveLength(0);
  });

  it("turns on by default with no credentials and hands the web process its settings", async () => {
    const env = await servicesWith({});
    expect(env.TALLY_SANDBOX).toBe("1");
    expect(env.STRIPE_API_BASE).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(env.STRIPE_SECRET_KEY).toMatch(/^sk_test_/);
    expect(env.STRIPE_WEBHOOK_SECRET).toMatch(/^whsec_/);
    expect(env.TALLY_DEMO_EMAIL).toBeTruthy();
    expect(env.TALLY_DEMO_PASSWORD!.length).toBeGreaterThanOrEqual(8);
    expect(await demoUsers()).toHaveLength(1);
  });
});
