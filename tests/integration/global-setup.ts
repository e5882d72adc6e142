import { rmSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../../db/embedded";
import { runMigrations } from "../../db/migrate";

let database: EmbeddedDatabase | undefined;
const dataDir = path.join(import.meta.dirname, "../../.tmp", `it-${process.pid}`);

/**
 * One real PostgreSQL for the whole run. Migrations are applied, as in
 * production, to a template database that each test file clones.
 */
export async function setup(project: TestProject) {
  const external = process.env.TEST_DATABASE_URL;
  let adminUrl: string;
  if (external) {
    adminUrl = external;
  } else {
    database = await startEmbeddedPostgres({ dataDir, database: "postgres" });
    if (database.note) console.log(`[integration] ${database.note}`);
    adminUrl = database.url;
  }
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin`drop database if exists tally_template`;
  await admin`create database tally_template`;
  await admin.end();
  await runMigrations(
    withDatabase(adminUrl, "tally_template"),
    path.join(import.meta.dirname, "../../drizzle"),
  );
  project.provide("pgAdminUrl", adminUrl);
}

export async function teardown() {
  await database?.destroy();
  rmSync(dataDir, { recursive: true, force: true });
}

export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}
