/**
 * CSV import: a generated bank statement of 1,000,000 lines (BENCH_QUICK:
 * 50,000), and one a tenth of that size, imported (a) by importBankStatement
 * in a process of its own reading the file as a stream, and (b) over HTTP
 * through POST /api/v1/bank-statements on `next start`, the file streamed as
 * the request body. Time and peak memory (the kernel's VmHWM: the most the
 * process was ever resident) are reported for each; that the large file's
 * peak stays near the small one's is what bounded memory means.
 *
 *   npx tsx --conditions=react-server scripts/bench/csv-import.ts --child FILE   (one import, JSON on stdout)
 */
import {
  createReadStream,
  createWriteStream,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
} from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { once } from "node:events";
import type { Context, SectionResult } from "./support/context";
import { port, root, run, spawnNext, waitForHttp, type Child } from "./support/processes";
import { int, seconds, table } from "./support/stats";

type Measured = {
  lines: number;
  deposits: number;
  ms: number;
  baselineMb: number;
  peakMb: number;
  /** The most the V8 heap held right after a full collection (own process only): what the import keeps alive. */
  liveHeapMb?: number;
};

const MB = 1024 * 1024;
/** How far above the small file's live heap the large file's may be and still count as bounded. */
const BOUNDED_SLACK_MB = 16;
const LIVE_HEAP_SAMPLE_MS = 1000;

/** Resident and peak-resident memory of a process, from /proc (kB there). */
function memoryOf(pid: number | "self"): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0);
  return { rssMb: kb("VmRSS") / 1024, peakMb: kb("VmHWM") / 1024 };
}

/** The process and all its descendants (`next start` may fork workers). */
function processTree(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // Gone already.
    }
  }
  const tree = [root];
  for (let index = 0; index < tree.length; index++)
    for (const [pid, parent] of parents) if (parent === tree[index]) tree.push(pid);
  return tree;
}

const treeMemory = (root: number) =>
  processTree(root).reduce(
    (sum, pid) => {
      try {
        const memory = memoryOf(pid);
        return { rssMb: sum.rssMb + memory.rssMb, peakMb: sum.peakMb + memory.peakMb };
      } catch {
        return sum;
      }
    },
    { rssMb: 0, peakMb: 0 },
  );

/** Writes the statement line by line with backpressure, so the generator holds no more than the file would. */
async function writeStatement(file: string, lines: number) {
  const out = createWriteStream(file);
  out.write("Booking date,Description,Amount,Currency\n");
  for (let index = 0; index < lines; index++) {
    const day = String(1 + (index % 28)).padStart(2, "0");
    const line = `2025-02-${day},"STRIPE PAYOUT po_bench_${index}",${(index % 90_000) + 1}.${String(index % 100).padStart(2, "0")},EUR\n`;
    if (!out.write(line)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}

/** --child FILE: one import by the lib function in this process, measured from inside. */
async function child(file: string) {
  const { importBankStatement } = await import("@/lib/reconciliation/bank/import");
  const { uploadOfText } = await import("@/lib/imports/upload");
  const { systemPrincipal } = await import("@/lib/auth/principal");
  const { closeDb } = await import("@/db");
  const principal = systemPrincipal("bench");
  // Loads every module and opens the pool, so the baseline is the process ready to import.
  await importBankStatement({
    principal,
    upload: uploadOfText("Date,Amount,Currency\n2025-01-01,1.00,EUR\n"),
    options: {},
  });
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error("run the child with --expose-gc");
  const baselineMb = memoryOf("self").rssMb;
  let liveHeapMb = 0;
  const sample = () => {
    collect();
    liveHeapMb = Math.max(liveHeapMb, process.memoryUsage().heapUsed / MB);
  };
  // What is held before the import starts, then a full collection every second or so during it
  // (a few ms each): the largest is what the import really holds, apart from garbage not yet collected.
  sample();
  const sampler = setInterval(sample, LIVE_HEAP_SAMPLE_MS);
  const started = performance.now();
  const result = await importBankStatement({
    principal,
    upload: { chunks: createReadStream(file, { highWaterMark: 64 * 1024 }), bytesTotal: statSync(file).size },
    options: {},
  });
  const ms = performance.now() - started;
  clearInterval(sampler);
  const measured: Omit<Measured, "lines"> = {
    deposits: result.deposits,
    ms,
    baselineMb,
    peakMb: memoryOf("self").peakMb,
    liveHeapMb,
  };
  await closeDb();
  console.log(JSON.stringify(measured));
}

/** Streams the file as the body of one POST, with its Content-Length, as a client uploading from disk would. */
function post(
  url: string,
  token: string,
  file: string | null,
  body?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "text/csv",
        "content-length": file ? statSync(file).size : Buffer.byteLength(body ?? ""),
      },
    });
    request.on("response", (response) => {
      let text = "";
      response.on("data", (chunk: Buffer) => (text += chunk.toString()));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, text }));
    });
    request.on("error", reject);
    if (file) createReadStream(file).pipe(request);
    else request.end(body);
  });
}

async function overHttp(
  context: Context,
  url: string,
  files: { file: string; lines: number }[],
): Promise<Measured[]> {
  const nextPort = port();
  const token = "bench-api-token-0123456789abcdef";
  const server: Child = spawnNext(context.distDir, nextPort, {
    DATABASE_URL: url,
    SIMULATE: "0",
    API_TOKEN: token,
    AUTH_SECRET: "bench-auth-secret-0123456789abcdef",
  });
  const base = `http://127.0.0.1:${nextPort}`;
  const results: Measured[] = [];
  try {
    await waitForHttp(`${base}/api/health`, 120_000);
    const endpoint = `${base}/api/v1/bank-statements`;
    const warm = await post(endpoint, token, null, "Date,Amount,Currency\n2025-01-01,1.00,EUR\n");
    if (warm.status !== 201) throw new Error(`warm-up import answered ${warm.status}: ${warm.text}`);
    for (const { file, lines } of files) {
      const pid = server.process.pid!;
      const baselineMb = treeMemory(pid).rssMb;
      let sampledMb = baselineMb;
      const sampler = setInterval(() => (sampledMb = Math.max(sampledMb, treeMemory(pid).rssMb)), 100);
      const started = performance.now();
      const response = await post(endpoint, token, file);
      const ms = performance.now() - started;
      clearInterval(sampler);
      if (response.status !== 201) throw new Error(`import answered ${response.status}: ${response.text}`);
      // VmHWM never falls, so after the first file it still holds any earlier peak: the sampled maximum is this file's.
      const peakMb = results.length === 0 ? Math.max(treeMemory(pid).peakMb, sampledMb) : sampledMb;
      results.push({
        lines,
        deposits: (JSON.parse(response.text) as { deposits: number }).deposits,
        ms,
        baselineMb,
        peakMb,
      });
    }
  } finally {
    await server.stop();
  }
  return results;
}

export async function csvImportSection(context: Context): Promise<SectionResult> {
  const large = context.quick ? 50_000 : 1_000_000;
  const sizes = [large / 10, large];
  const dir = path.join(os.tmpdir(), `tally-bench-csv-${process.pid}`);
  const files = sizes.map((lines) => ({ lines, file: path.join(dir, `statement-${lines}.csv`) }));
  try {
    mkdirSync(dir, { recursive: true });
    for (const { file, lines } of files) await writeStatement(file, lines);

    const rows: (string | number)[][] = [];
    const direct: Measured[] = [];
    for (const { file, lines } of files) {
      // A fresh database per import keeps the large import from inserting into the small one's index pages.
      const url = await context.database.create("bench_csv_import");
      const output = await run(
        process.execPath,
        [
          "--expose-gc",
          "--import",
          "tsx",
          "--conditions=react-server",
          path.join(root, "scripts/bench/csv-import.ts"),
          "--child",
          file,
        ],
        { DATABASE_URL: url },
      );
      direct.push({ ...(JSON.parse(output.trim().split("\n").at(-1)!) as Measured), lines });
    }
    const viaHttp = context.hasBuild
      ? await overHttp(context, await context.database.create("bench_csv_import"), files)
      : [];
    const describe = (how: string, measured: Measured[]) => {
      for (const result of measured) {
        const { file } = files.find((entry) => entry.lines === result.lines)!;
        rows.push([
          how,
          int(result.lines),
          (statSync(file).size / MB).toFixed(1),
          int(result.deposits),
          seconds(result.ms),
          int(result.lines / (result.ms / 1000)),
          result.baselineMb.toFixed(0),
          result.peakMb.toFixed(0),
          (result.peakMb - result.baselineMb).toFixed(0),
          result.liveHeapMb === undefined ? "—" : result.liveHeapMb.toFixed(0),
        ]);
      }
    };
    describe("importBankStatement, own process", direct);
    describe("POST /api/v1/bank-statements, next start", viaHttp);

    const [small, big] = direct as [Measured, Measured];
    const [smallHttp, bigHttp] = viaHttp;
    const bounded = big.liveHeapMb! <= small.liveHeapMb! + BOUNDED_SLACK_MB;
    const mb = (value: number) => `${value.toFixed(0)} MB`;
    const markdown = [
      `Each statement is generated line by line into a file (one header, then \`date,"STRIPE PAYOUT po_…",amount,EUR\`, every line a credit), then imported whole: csv-parse streaming, rows checked and inserted in batches of 1,000 into one transaction, progress written to the \`imports\` table every 10,000 rows or 500 ms, committed at the end.`,
      "",
      `- **Own process**: \`importBankStatement\` on a file read stream in a child process of its own (a fresh database each), after a one-line warm-up import so modules are loaded and the pool is open. Peak RSS is the kernel's VmHWM for that process: the most it was ever resident. Live heap is the largest V8 heap seen right after a full collection, forced once before the import and every ${LIVE_HEAP_SAMPLE_MS / 1000} s during it (\`--expose-gc\`): what the import really holds, apart from garbage not yet collected.`,
      `- **HTTP**: the file streamed from disk as the body of \`POST /api/v1/bank-statements\` (with its Content-Length) to \`next start\`, both files one after the other on one server. Memory is the server's process tree: VmRSS before; the peak is the larger of VmHWM and a 100 ms VmRSS sample for the first file, and the sample alone for the second (VmHWM still holds the first one's peak).`,
      "",
      table(
        [
          "import",
          "lines",
          "file MB",
          "deposits",
          "time s",
          "lines/s",
          "RSS before MB",
          "peak RSS MB",
          "peak − before MB",
          "live heap MB",
        ],
        rows,
      ),
      "",
      context.hasBuild ? "" : "No production build, so the HTTP import was not measured.",
      `The ${int(big.lines)}-line file is ten times the other. In its own process the import's live heap peaks at ${mb(big.liveHeapMb!)} against ${mb(small.liveHeapMb!)} for the smaller file, ${
        bounded
          ? "so what it holds does not grow with the file"
          : `more than ${BOUNDED_SLACK_MB} MB apart, so what it holds grows with the file`
      }; peak RSS is ${mb(big.peakMb)} against ${mb(small.peakMb)} (the rest is V8's heap headroom and the allocator, not rows).${
        bigHttp && smallHttp
          ? ` Through \`next start\` the server peaks at ${mb(bigHttp.peakMb)} for the large file and ${mb(smallHttp.peakMb)} for the small one, ${mb(bigHttp.baselineMb)} and ${mb(smallHttp.baselineMb)} resident before.`
          : ""
      }`,
    ]
      .filter((line, index, all) => line !== "" || all[index - 1] !== "")
      .join("\n");
    const headline = bigHttp ?? big;
    return {
      title: "CSV import",
      markdown,
      targets: [
        {
          name: `${int(big.lines)}-line bank statement imported in bounded memory`,
          value: `${seconds(headline.ms)} s${bigHttp ? " over HTTP" : ""}, peak RSS ${mb(headline.peakMb)}; live heap ${mb(big.liveHeapMb!)} (${int(small.lines)} lines: ${mb(small.liveHeapMb!)})`,
          target: `live heap ≤ the ${int(small.lines)}-line import's + ${BOUNDED_SLACK_MB} MB`,
          met: bounded,
        },
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--child") {
  child(process.argv[3]!).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
