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
  // A step's seconds, from its row of the script's table.
  const seconds = (label: string) =>
    /\| ([\d.]+) \|$/.exec(output.split("\n").find((line) => line.includes(label)) ?? "")?.[1] ?? "?";
  const met = Number.isFinite(ratio) ? ratio <= 3 : null;
  return {
    title: "Reconciliation",
    // The script prints its own heading; keep its body.
    markdown: output.replace(/^## .*\n+/m, ""),
    targets: [
      {
        name: `reconciliation ≤ 3× bare join (${count.toLocaleString("en")} × ${count.toLocaleString("en")})`,
        value: Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : "not reported",
        target: "≤ 3×",
        met,
        ...(met === false
          ? {
              reason: `matching took ${seconds("match + classify")} s against the bare join's ${seconds("bare full outer join")} s: grouping payments ${seconds("grouping payments")} s (one parallel full join of every payment intent and charge on both sides, carrying the amount, currency, status, refund and dispute columns it compares where the bare join carries ids), comparing ${seconds("comparing")} s (the candidates' objects, and pairing every succeeded charge with its customer's for duplicates), recording findings ${seconds("recording findings")} s`,
            }
          : {}),
      },
    ],
  };
}
