import type { ChildProcess } from "node:child_process";
import { nextBuild, startNext, startReceiver, startWebProcess } from "./support";

export type WebTarget = { child: ChildProcess; webhookUrl: string; port: number };

type Start = (databaseUrl: string, port?: number) => Promise<WebTarget>;

/**
 * The processes that take webhooks: `npm run receiver` always; with a
 * production build there (CI's e2e build, or CHAOS_NEXT_DIST_DIR), also
 * `npm start`'s web process (node:http fast path beside Next.js) and `next
 * start` (the route handler).
 */
export const WEB_TARGETS: { name: string; start: Start }[] = [
  { name: "npm run receiver", start: (url, port) => startReceiver(url, port) },
  ...(nextBuild()
    ? [
        {
          name: `npm start's web process (${nextBuild()})`,
          start: ((url, port) => startWebProcess(url, nextBuild()!, port)) as Start,
        },
        { name: `next start (${nextBuild()})`, start: ((url) => startNext(url, nextBuild()!)) as Start },
      ]
    : []),
];

/** The targets a test can kill and restart on the same port (next start picks its own). */
export const RESTARTABLE_TARGETS = WEB_TARGETS.filter((target) => !target.name.startsWith("next start"));
