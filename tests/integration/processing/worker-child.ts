/**
 * A worker in its own process, for tests that kill it. Started with
 * DATABASE_URL set; prints "ready" once it is listening.
 */
import { startWorker } from "@/lib/processing/worker";

const worker = await startWorker({
  workerId: process.env.WORKER_ID,
  chunkSize: Number(process.env.CHUNK_SIZE ?? 20),
});
process.stdout.write("ready\n");
process.on("SIGTERM", () => void worker.stop().then(() => process.exit(0)));
