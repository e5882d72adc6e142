import path from "node:path";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

/**
 * The layer rules of eslint.config.mjs, run through ESLint itself over
 * in-memory files, so a config change that stops `npm run verify` failing on
 * a wrong arrow fails here instead of going unnoticed.
 */
const root = path.resolve(import.meta.dirname, "../../..");
let eslint: ESLint;

// Loading the config and its plugins is most of the cost: done once, with room for a busy machine.
beforeAll(async () => {
  eslint = new ESLint({ cwd: root });
  await eslint.lintText("export {};\n", { filePath: path.join(root, "lib/warm-up.ts") });
}, 120_000);

async function lint({ file, code }: { file: string; code: string }) {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result!.messages.map((message) => ({ rule: message.ruleId, text: message.message }));
}

const layerErrors = async (input: { file: string; code: string }) =>
  (await lint(input)).filter((message) => message.rule === "import/no-restricted-paths");

describe("layer rules", () => {
  it("refuses an upward import in lib/, by alias or relative path", async () => {
    for (const specifier of ["@/lib/reconciliation/runs", "../reconciliation/runs"]) {
      const errors = await layerErrors({
        file: "lib/processing/upward.ts",
        code: `import { listRuns } from "${specifier}";\nexport const runs = listRuns;\n`,
      });
      expect(errors, specifier).toHaveLength(1);
      expect(errors[0]!.text).toMatch(/lib\/processing may not import .*reconciliation/);
    }
  });

  it("refuses intake, records and processing importing the events' rollups", async () => {
    for (const file of ["lib/processing/counts.ts", "lib/inbox/counts.ts"]) {
      const errors = await layerErrors({
        file,
        code: `import { eventTotals } from "@/lib/events/rollups/totals";\nexport const totals = eventTotals;\n`,
      });
      expect(errors, file).toHaveLength(1);
      expect(errors[0]!.text).toMatch(/rollups/);
    }
  });

  it("refuses a foundation module importing a domain folder", async () => {
    const errors = await layerErrors({
      file: "lib/log-extra.ts",
      code: `import { checkHealth } from "@/lib/monitoring/health";\nexport const report = checkHealth;\n`,
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]!.text).toMatch(/foundation/);
  });

  it("lets a layer import the layers below it", async () => {
    const errors = await layerErrors({
      file: "lib/reconciliation/downward.ts",
      code: `import { claimEvents } from "@/lib/processing/claim";\nimport { bookRecords } from "@/lib/records/books";\nexport const used = [claimEvents, bookRecords];\n`,
    });
    expect(errors).toEqual([]);
  });

  it("refuses app/ importing db/", async () => {
    const errors = await layerErrors({
      file: "app/(dashboard)/upward/page.tsx",
      code: `import { db } from "@/db";\nexport const client = db;\n`,
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]!.text).toMatch(/never db\//);
  });

  it("refuses a component importing a server lib module, and a server action in a component", async () => {
    const messages = await lint({
      file: "components/upward.tsx",
      code: `"use server";\nimport { listEvents } from "@/lib/events/queries";\nexport const list = listEvents;\n`,
    });
    expect(messages.map((message) => message.rule).sort()).toEqual([
      "@typescript-eslint/no-restricted-imports",
      "no-restricted-syntax",
    ]);
  });

  it("refuses data fetching in a component", async () => {
    const messages = await lint({
      file: "components/fetching.tsx",
      code: `export const load = () => fetch("/api/imports");\n`,
    });
    expect(messages.map((message) => message.rule)).toEqual(["no-restricted-globals"]);
  });

  it("lets a component import the pure lib modules and server types", async () => {
    const messages = await lint({
      file: "components/pure.tsx",
      code: `import { formatMoney } from "@/lib/money";\nimport type { EventFilters } from "@/lib/events/queries";\nexport const used: [typeof formatMoney, EventFilters | null] = [formatMoney, null];\n`,
    });
    expect(messages).toEqual([]);
  });
});
