/**
 * `npm run worker`: a standalone worker process. Any number may run against
 * one database. Without DATABASE_URL it joins the embedded database of an
 * `npm start` running from the same DATA_DIR.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { ConfigError, parseConfig } from "../lib/config";
import { databaseUrlFile } from "../lib/runtime/data-dir";
import { lowerCpuPriority } from "../lib/runtime/priority";

function fail(line: string): never {
  console.error(`[tally worker] ${line}`);
  process.exit(1);
}

async function main() {
  let config;
  try {
    config = parseConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(`Configuration error: ${error.message}`);
    throw error;
  }
  if (!config.DATABASE_URL) {
    const file = databaseUrlFile(path.resolve(config.DATA_DIR));
    if (!existsSync(file))
      fail(`DATABASE_URL: not set, and no running \`npm start\` found under ${config.DATA_DIR} to join`);
    process.env.DATABASE_URL = readFileSync(file, "utf8").trim();
  }
  process.env.TALLY_PROCESS_NAME ??= "worker";
  // Processing can wait a moment; a webhook's acknowledgement, sharing the machine, cannot.
  if (config.WORKER_NICE > 0) lowerCpuPriority({ nice: config.WORKER_NICE });
  const { startWorker } = await import("../lib/processing/worker");
  const { periodicJobs } = await import("./jobs");
  const { closeDb } = await import("../db");
  const worker = await startWorker({ jobs: periodicJobs() });
  console.log(
    `[tally worker] ${worker.id} running${config.WORKER_NICE > 0 ? ` at nice ${config.WORKER_NICE}` : ""}`,
  );
  const stop = async () => {
    await worker.stop();
    await closeDb();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
