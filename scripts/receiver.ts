/**
 * `npm run receiver`: an optional standalone intake process for high-volume
 * deployments. It serves only `/api/webhooks/{provider}` on plain node:http
 * and runs the very same intake code as the Next.js route (`lib/inbox`,
 * `lib/providers`), so replies, storage and monitoring are identical; it
 * just skips the framework's per-request work. Run any number of them behind
 * the load balancer's `/api/webhooks/` path, beside `npm start`.
 *
 * Port: RECEIVER_PORT (default 3001). Database: DATABASE_URL, or the
 * embedded database of an `npm start` running from the same DATA_DIR.
 */
import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { ConfigError, parseConfig } from "../lib/config";
import { databaseUrlFile } from "../lib/runtime/data-dir";
import { serveWebhook } from "../lib/inbox/node-http";

function fail(line: string): never {
  console.error(`[tally receiver] ${line}`);
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
  const port = config.RECEIVER_PORT;
  if (!config.DATABASE_URL) {
    const file = databaseUrlFile(path.resolve(config.DATA_DIR));
    if (!existsSync(file))
      fail(`DATABASE_URL: not set, and no running \`npm start\` found under ${config.DATA_DIR} to join`);
    process.env.DATABASE_URL = readFileSync(file, "utf8").trim();
  }
  process.env.TALLY_PROCESS_NAME ??= "receiver";
  const { closeDb } = await import("../db");

  const server = http.createServer((request, response) => void serveWebhook(request, response));
  // Slow or stalled clients must not hold sockets forever.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 65_000;
  server.listen(port, () => console.log(`[tally receiver] serving webhooks on http://localhost:${port}`));

  const stop = () => {
    server.close(() => void closeDb().finally(() => process.exit(0)));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
