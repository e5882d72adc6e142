import path from "node:path";
import { defineConfig } from "vitest/config";

const root = import.meta.dirname;

export default defineConfig({
  resolve: {
    alias: {
      "@": root,
      // Outside Next.js the guard has nothing to guard: tests run server code directly.
      "server-only": path.join(root, "tests/fixtures/server-only.ts"),
    },
  },
  test: {
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? "silent", NEXT_TELEMETRY_DISABLED: "1" },
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["tests/unit/**/*.test.ts"], environment: "node" },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          globalSetup: ["tests/integration/global-setup.ts"],
          pool: "forks",
          maxWorkers: 2,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
