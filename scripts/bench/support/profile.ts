import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { root } from "./processes";

type ProfileNode = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
};
type CpuProfile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

export type HotSpot = { name: string; where: string; selfMs: number; share: number };

/** Shortens a file URL to what a reader needs: the package, or the path inside this repository. */
function place(url: string, line: number): string {
  if (!url) return "(native)";
  const file = url.replace(/^file:\/\//, "");
  const modules = file.lastIndexOf("node_modules/");
  const shown =
    modules >= 0
      ? file.slice(modules + "node_modules/".length)
      : file.startsWith(root)
        ? path.relative(root, file)
        : file;
  return `${shown}:${line + 1}`;
}

/** Self time per function of one `.cpuprofile` (as `node --cpu-prof` writes it), largest first. */
export function hotSpots(file: string, top = 12): { totalMs: number; idleMs: number; spots: HotSpot[] } {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  const byFunction = new Map<string, HotSpot>();
  let totalMs = 0;
  let idleMs = 0;
  for (const [id, ms] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === "(idle)" || functionName === "(program)") {
      if (functionName === "(idle)") idleMs += ms;
      else totalMs += ms;
      if (functionName === "(idle)") continue;
    } else totalMs += ms;
    const name = functionName || "(anonymous)";
    const where = place(url, lineNumber);
    const key = `${name} ${where}`;
    const spot = byFunction.get(key) ?? { name, where, selfMs: 0, share: 0 };
    spot.selfMs += ms;
    byFunction.set(key, spot);
  }
  const spots = [...byFunction.values()]
    .map((spot) => ({ ...spot, share: totalMs ? spot.selfMs / totalMs : 0 }))
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, top);
  return { totalMs, idleMs, spots };
}

/** Busy time per package or repository directory: where a process's CPU goes, coarsely. */
export function busyByArea(file: string): { area: string; ms: number; share: number }[] {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const areas = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]!)!;
    if (node.callFrame.functionName === "(idle)") continue;
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    total += ms;
    const area = areaOf(node.callFrame.url, node.callFrame.functionName);
    areas.set(area, (areas.get(area) ?? 0) + ms);
  }
  return [...areas]
    .map(([area, ms]) => ({ area, ms, share: total ? ms / total : 0 }))
    .sort((a, b) => b.ms - a.ms);
}

function areaOf(url: string, functionName: string): string {
  if (!url) return functionName === "(garbage collector)" ? "garbage collector" : "native / runtime";
  const file = url.replace(/^file:\/\//, "");
  const modules = file.lastIndexOf("node_modules/");
  if (modules >= 0) {
    const rest = file.slice(modules + "node_modules/".length).split("/");
    const name = rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
    if (name === "next") return `next/${rest.slice(1, 3).join("/")}`;
    return name;
  }
  if (file.startsWith("node:")) return "node core";
  if (file.startsWith(root)) return path.relative(root, file).split("/").slice(0, 2).join("/");
  return file;
}

/** The newest `.cpuprofile` in a directory written by a process with this pid. */
export function profileOf(dir: string, pid: number): string | null {
  const mine = readdirSync(dir).filter((name) => name.endsWith(".cpuprofile") && name.includes(`.${pid}.`));
  return mine.length ? path.join(dir, mine.sort().at(-1)!) : null;
}
