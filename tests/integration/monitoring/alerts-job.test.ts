import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawSql } from "@/db";
import { startJobs } from "@/lib/jobs/runner";
import { monitoringJobs } from "@/lib/monitoring/jobs";
import { useTestDatabase } from "../helpers/db";
import { startAlertSink } from "./alert-sink";

useTestDatabase();

let sink: Awaited<ReturnType<typeof startAlertSink>>;

beforeAll(async () => {
  sink = await startAlertSink();
  process.env = { ...process.env, ALERT_WEBHOOK_URL: sink.url, AUTH_URL: "https://tally.example" };
});
afterAll(async () => {
  await sink.close();
});

async function until(condition: () => boolean, attempts = 200) {
  for (let attempt = 0; attempt < attempts && !condition(); attempt++)
    await new Promise((resolve) => setTimeout(resolve, 100));
}

describe("the alert evaluator job", () => {
  it("posts a new dead letter once even with two worker processes running the jobs", async () => {
    await rawSql()`insert into events (provider, provider_event_id, type, status)
      values ('stripe', 'evt_job_dead', 'charge.refunded', 'dead')`;
    const alertsJob = monitoringJobs().filter((job) => job.name === "monitoring.alerts");
    const workerA = startJobs({ jobs: alertsJob, holder: "worker-a" });
    const workerB = startJobs({ jobs: alertsJob, holder: "worker-b" });
    try {
      await until(() => sink.posts.length > 0);
    } finally {
      await Promise.all([workerA.stop(), workerB.stop()]);
    }
    expect(sink.posts).toHaveLength(1);
    expect(sink.posts[0]).toContain("[FIRING] New dead letters");
    const [lease] = await rawSql()<{ holder: string; last_error: string | null }[]>`
      select holder, last_error from job_leases where name = 'monitoring.alerts'`;
    expect(["worker-a", "worker-b"]).toContain(lease?.holder);
    expect(lease?.last_error).toBeNull();
  });
});
