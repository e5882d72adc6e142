import type { BenchDatabase } from "./database";

export type Context = {
  database: BenchDatabase;
  quick: boolean;
  /** The production build `next start` serves (built by the orchestrator when missing). */
  distDir: string;
  hasBuild: boolean;
};

export type Target = { name: string; value: string; target: string; met: boolean | null };

export type SectionResult = { title: string; markdown: string; targets: Target[] };
