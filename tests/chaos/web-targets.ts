import type { ChildProcess } from "node:child_process";
import { nextBuild, startNext, startReceiver } from "./support";

export type WebTarget = { child: ChildProcess; webhookUrl: string; port: number };

/**
 * The web processes under test: `npm run receiver` always, and `next start`
 * when a production build is there (CI's e2e build, or CHAOS_NEXT_DIST_DIR).
 */
export const WEB_TARGETS: { name: string; start: (databaseUrl: string) => Promise<WebTarget> }[] = [
  { name: "npm run receiver", start: (url) => startReceiver(url) },
  ...(nextBuild()
    ? [{ name: `next start (${nextBuild()})`, start: (url: string) => startNext(url, nextBuild()!) }]
    : []),
];
