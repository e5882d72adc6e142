import { readdirSync } from "node:fs";
import os from "node:os";

/**
 * Lowers the CPU priority of every thread of this process to `nice` (never
 * raises it). On Linux a priority belongs to a thread, so setting only the
 * process id would leave V8's and libuv's threads where they were; threads
 * started later inherit it from the thread that starts them.
 *
 * Returns the threads changed, or null where threads cannot be listed.
 */
export function lowerCpuPriority({ nice }: { nice: number }): number | null {
  let threads: number[];
  try {
    threads = readdirSync("/proc/self/task").map(Number);
  } catch {
    if (os.getPriority() < nice) os.setPriority(nice);
    return null;
  }
  let changed = 0;
  for (const thread of threads) {
    try {
      if (os.getPriority(thread) >= nice) continue;
      os.setPriority(thread, nice);
      changed += 1;
    } catch {
      // The thread ended between listing and setting.
    }
  }
  return changed;
}
