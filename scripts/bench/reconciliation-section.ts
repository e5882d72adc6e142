/**
 * Reconciliation: the reconciliation engineer's benchmark
 * (scripts/bench/reconciliation.ts), run on this run's PostgreSQL; its
 * ratio is lifted into the targets table.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import type { Context, SectionResult } from "./support/context";
import { root, runScript } from "./support/processes";

export async function reconciliationSection(context: Context): Promise<SectionResult> {
  const script = "scripts/bench/reconciliation.ts";
  if (!existsSync(path.join(root, script)))
    return { title: "Reconciliation", markdown: `${script} is not there yet.`, targets: [] };
  const count = context.quick ? 20_000 : 1_000_000;
  const url = await context.database.create("bench_reconciliation");
  const output = (await runScript(script, [String(count)], { DATABASE_URL: url })).trim();
  const ratio = Number(/Ratio matching \/ bare join: \*\*([\d.]+)×\*\*/.exec(output)?.[1] ?? NaN);
  return {
    title: "Reconciliation",
    // The script prints its own heading; keep its body.
    markdown: output.replace(/^## .*\n+/m, ""),
    targets: [
      {
        name: `reconciliation ≤ 3× bare join (${count.toLocaleString("en")} × ${count.toLocaleString("en")})`,
        value: Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : "not reported",
        target: "≤ 3×",
        met: Number.isFinite(ratio) ? ratio <= 3 : null,
      },
    ],
  };
}
