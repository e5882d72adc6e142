import type { Progress } from "./progress";
import type { BenchDatabase } from "./database";

export type Context = {
  database: BenchDatabase;
  quick: boolean;
  /** The production build `next start` serves (built by the orchestrator when missing). */
  distDir: string;
  hasBuild: boolean;
  /** Terminal progress for the running section: `total` steps. */
  progress: (total: number) => Progress;
};

export type Target = {
  name: string;
  value: string;
  target: string;
  met: boolean | null;
  /** When not met: the measured physical limit that stopped it. */
  reason?: string;
};

export type SectionResult = { title: string; markdown: string; targets: Target[] };
