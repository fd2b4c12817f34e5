// Where the worker's CPU time goes, from V8 `--cpu-prof` files: self time per
// profile node, grouped by who owns the code (ours, the Event Hubs SDK, the
// storage SDK, Node core, V8). The broker runs in the bench process, so its
// share is measured separately (the bench's own CPU time).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ProfileEntry } from "../report/results.ts";

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly hitCount?: number;
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples?: readonly number[];
}

const AREAS: readonly [RegExp, string][] = [
  [/^(?!.*\/node_modules\/).*\/(src|dist)\/transforms\//, "ours: decode + enrich (src/transforms)"],
  [/^(?!.*\/node_modules\/).*\/(src|dist)\/sinks\//, "ours: sinks (src/sinks)"],
  [/^(?!.*\/node_modules\/).*\/(src|dist)\/(pipeline|sources)\//, "ours: pipeline + source (src/pipeline, src/sources)"],
  [/^(?!.*\/node_modules\/).*\/(src|dist)\/catalog\//, "ours: catalog lookup (src/catalog)"],
  [/^(?!.*\/node_modules\/).*\/(src|dist)\//, "ours: other (src/)"],
  [/node_modules\/(@azure\/(event-hubs|core-amqp)|rhea|rhea-promise)\//, "Event Hubs SDK + AMQP (@azure/event-hubs, core-amqp, rhea)"],
  [/node_modules\/@azure\/(storage-blob|eventhubs-checkpointstore-blob|core-[a-z-]+)\//, "Storage SDK + HTTP pipeline (@azure/storage-blob, core-*)"],
  [/node_modules\/(pino|prom-client|thread-stream|sonic-boom)/, "logging + metrics (pino, prom-client)"],
  [/node_modules\//, "other dependencies"],
  [/^node:/, "Node core (streams, zlib, net, buffers)"],
];

export function areaOf(frame: CallFrame): string | null {
  if (frame.functionName === "(idle)") return null;
  if (frame.functionName === "(garbage collector)") return "V8 garbage collector";
  if (frame.functionName === "(program)") return "V8/native (program)";
  for (const [pattern, area] of AREAS) if (pattern.test(frame.url)) return area;
  return frame.url === "" ? "V8 builtins (JSON, regexp, natives)" : "other";
}

function selfSamples(profile: CpuProfile): Map<number, number> {
  const counts = new Map<number, number>();
  if (profile.samples && profile.samples.length > 0) for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  else for (const node of profile.nodes) counts.set(node.id, node.hitCount ?? 0);
  return counts;
}

export interface ProfileSummary {
  readonly byArea: ProfileEntry[];
  readonly topFunctions: ProfileEntry[];
  /** Our functions (src/) by inclusive time: the stage and everything it calls. */
  readonly oursInclusive: ProfileEntry[];
}

function frameKey(frame: CallFrame): string {
  const file = frame.url.replace(/^.*\/(node_modules\/|src\/|dist\/)/, "$1");
  return `${frame.functionName || "(anonymous)"} ${file ? `${file}:${frame.lineNumber + 1}` : "(native)"}`;
}

/** Inclusive samples per function of ours, counting a function once per stack (recursion-safe). */
function oursInclusive(profile: CpuProfile, counts: Map<number, number>, into: Map<string, number>): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  for (const [id, n] of counts) {
    if (n === 0 || areaOf(byId.get(id)?.callFrame ?? { functionName: "(idle)", url: "", lineNumber: 0 }) === null) continue;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (frame === undefined || !/^(?!.*\/node_modules\/).*\/(src|dist)\//.test(frame.url)) continue;
      const key = frameKey(frame);
      if (seen.has(key)) continue;
      seen.add(key);
      into.set(key, (into.get(key) ?? 0) + n);
    }
  }
}

export function summarizeProfile(profiles: readonly CpuProfile[], top = 12): ProfileSummary {
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  for (const profile of profiles) {
    const counts = selfSamples(profile);
    oursInclusive(profile, counts, inclusive);
    for (const node of profile.nodes) {
      const n = counts.get(node.id) ?? 0;
      const area = areaOf(node.callFrame);
      if (n === 0 || area === null) continue;
      total += n;
      areas.set(area, (areas.get(area) ?? 0) + n);
      const key = frameKey(node.callFrame);
      functions.set(key, (functions.get(key) ?? 0) + n);
    }
  }
  const percent = (entries: Map<string, number>) =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .map(([area, n]) => ({ area, percent: total === 0 ? 0 : (100 * n) / total }));
  return { byArea: percent(areas), topFunctions: percent(functions).slice(0, top), oursInclusive: percent(inclusive).slice(0, top) };
}

export function summarizeProfiles(dir: string): ProfileSummary {
  const files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
  return summarizeProfile(files.map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as CpuProfile));
}
