import "server-only";
import { silentWorkers } from "@/lib/processing/heartbeats";
import { dashboardLink } from "../dashboard-link";
import type { AlertRuleCheck } from "./types";

/** A worker that stopped beating without a replacement. */
export const silentWorkerRule: AlertRuleCheck = {
  rule: "silent_worker",

  async check({ silentWorkerSeconds }) {
    const workers = await silentWorkers({ silentSeconds: silentWorkerSeconds });
    return workers.map((worker) => ({
      rule: "silent_worker" as const,
      subject: worker.workerId,
      count: worker.silentSeconds,
      since: worker.lastBeat,
      summary: `worker ${worker.workerId} (${worker.hostname} pid ${worker.pid}) has not beaten for ${worker.silentSeconds} s (threshold ${silentWorkerSeconds} s); ${worker.othersAlive} other worker(s) alive`,
      link: dashboardLink({ path: "/" }),
    }));
  },
};
