import path from "node:path";
import { defineConfig } from "vitest/config";

const root = path.resolve(import.meta.dirname, "../..");

/**
 * `npm run test:chaos`: crash and outage tests with real processes (kill -9
 * of web, worker and database), one file at a time so two cores suffice.
 */
export default defineConfig({
  root,
  resolve: {
    alias: {
      "@": root,
      "server-only": path.join(root, "tests/fixtures/server-only.ts"),
    },
  },
  test: {
    name: "chaos",
    include: ["tests/chaos/**/*.test.ts"],
    environment: "node",
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? "silent", NEXT_TELEMETRY_DISABLED: "1" },
    pool: "forks",
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 180_000,
  },
});
