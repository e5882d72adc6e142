import { systemPrincipal } from "@/lib/auth/principal";

/**
 * Queues the sandbox's first reconciliation run through the reconciliation
 * module's public entry point, so the demo shows discrepancies without anyone
 * pressing a button. The module is loaded lazily: the sandbox must start even
 * in a build where reconciliation is absent.
 */

type EnqueueRun = (input: {
  principal: ReturnType<typeof systemPrincipal>;
  provider: string;
  from: Date;
  to: Date;
  kind: string;
}) => Promise<unknown>;

const RUNS_MODULE = "@/lib/reconciliation/runs";

export async function enqueueSandboxReconciliation({ from, to }: { from: Date; to: Date }): Promise<boolean> {
  let enqueueRun: EnqueueRun | undefined;
  try {
    const runs = (await import(/* webpackIgnore: true */ RUNS_MODULE)) as { enqueueRun?: EnqueueRun };
    enqueueRun = runs.enqueueRun;
  } catch {
    return false;
  }
  if (typeof enqueueRun !== "function") return false;
  await enqueueRun({ principal: systemPrincipal("sandbox"), provider: "stripe", from, to, kind: "all" });
  return true;
}
