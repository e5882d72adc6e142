import { readFileSync } from "node:fs";
import path from "node:path";
import { root } from "./processes";

type ProfileNode = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
};
type CpuProfile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

export type HotSpot = { name: string; where: string; selfMs: number; share: number };

/** Busy samples of a `.cpuprofile` (as `node --cpu-prof` or the inspector writes it), with their nodes. */
function busySamples(file: string): { node: ProfileNode; ms: number }[] {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  // The probe's own frames (starting and stopping the profiler) are not the server's work.
  const probe = new Set<number>();
  const isProbe = (id: number): boolean => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      if (probe.has(at) || byId.get(at)!.callFrame.url.endsWith("probe-preload.mjs")) {
        probe.add(id);
        return true;
      }
    }
    return false;
  };
  const samples: { node: ProfileNode; ms: number }[] = [];
  profile.samples.forEach((id, index) => {
    const node = byId.get(id)!;
    if (node.callFrame.functionName === "(idle)" || isProbe(id)) return;
    samples.push({ node, ms: (profile.timeDeltas[index] ?? 0) / 1000 });
  });
  return samples;
}

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

/** Self time per function, largest first. */
export function hotSpots(file: string, top = 12): { totalMs: number; spots: HotSpot[] } {
  const byFunction = new Map<string, HotSpot>();
  let totalMs = 0;
  for (const { node, ms } of busySamples(file)) {
    totalMs += ms;
    const name = node.callFrame.functionName || "(anonymous)";
    const where = place(node.callFrame.url, node.callFrame.lineNumber);
    const key = `${name} ${where}`;
    const spot = byFunction.get(key) ?? { name, where, selfMs: 0, share: 0 };
    spot.selfMs += ms;
    byFunction.set(key, spot);
  }
  const spots = [...byFunction.values()]
    .map((spot) => ({ ...spot, share: totalMs ? spot.selfMs / totalMs : 0 }))
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, top);
  return { totalMs, spots };
}

/** Busy time per package or repository directory: where a process's CPU goes, coarsely. */
export function busyByArea(file: string): { area: string; ms: number; share: number }[] {
  const areas = new Map<string, number>();
  let total = 0;
  for (const { node, ms } of busySamples(file)) {
    total += ms;
    const area = areaOf(node.callFrame.url, node.callFrame.functionName);
    areas.set(area, (areas.get(area) ?? 0) + ms);
  }
  return [...areas]
    .map(([area, ms]) => ({ area, ms, share: total ? ms / total : 0 }))
    .sort((a, b) => b.ms - a.ms);
}

function areaOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName === "(garbage collector)") return "GC";
    // Native work on behalf of JavaScript: socket writes and reads, crypto, JSON.
    return "native";
  }
  const file = url.replace(/^file:\/\//, "");
  const modules = file.lastIndexOf("node_modules/");
  if (modules >= 0) {
    const rest = file.slice(modules + "node_modules/".length).split("/");
    const name = rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
    return name === "next" ? `next (${rest[2] === "compiled" ? "compiled runtime" : "server"})` : name;
  }
  if (file.startsWith("node:")) return "node core";
  if (file.startsWith(root)) {
    const relative = path.relative(root, file);
    // The production build's chunks are Tally's code compiled together with its dependencies.
    return relative.startsWith(".next") ? "app bundle (.next)" : relative.split("/").slice(0, 2).join("/");
  }
  return file;
}
