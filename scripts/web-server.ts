/**
 * The web process `npm start` runs: one node:http server on PORT that answers
 * `/api/webhooks/{provider}` with lib/inbox directly and hands every other
 * request to Next.js's own request handler (the production build, exactly as
 * `next start` serves it: proxy, pages, server actions, REST, health, metrics).
 * Webhooks skip the framework's per-request work; their replies, storage,
 * metrics and rejection logging are the route handler's, from the same code.
 */
import http from "node:http";
import next from "next";
import { ConfigError, parseConfig } from "../lib/config";
import { isWebhookRequest, serveWebhook } from "../lib/inbox/node-http";

const say = (line: string) => console.log(`[tally web] ${line}`);

async function main() {
  let config;
  try {
    config = parseConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`[tally web] Configuration error: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  process.env.TALLY_PROCESS_NAME ??= "web";
  const app = next({ dev: false, dir: process.cwd(), port: config.PORT });
  const handle = app.getRequestHandler();
  await app.prepare();
  const { closeDb } = await import("../db");

  const server = http.createServer((request, response) => {
    if (isWebhookRequest(request)) void serveWebhook(request, response);
    else void handle(request, response);
  });
  server.listen(config.PORT, () => say(`serving on port ${config.PORT}`));

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    // Finish what is in flight, then close Next.js and the pool.
    server.close(() => void Promise.allSettled([app.close(), closeDb()]).finally(() => process.exit(0)));
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
