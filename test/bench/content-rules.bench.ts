// The enrichment stage (processMessage) with the shipped content rules on vs
// the same catalog with content rules off (stripped, same version string), next
// to the JSON.parse + JSON.stringify floor, side by side in one process, best
// of 15 interleaved rounds. Workloads: the enrichment benchmark's audit-only
// stream (catalog names, Zipf; its generator gives every record AccountEnabled
// false → true), the same stream with routine content, and a worst case where
// every record's activity has content rules (role grants, Update user,
// consent, app updates) with the content that makes them match.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type ArtifactBody, parseArtifact } from "../../src/catalog/artifact.ts";
import { DEFAULT_CATALOG_DIR } from "../../src/catalog/catalog-dir.ts";
import type { ActivityLookup } from "../../src/catalog/enrichment.ts";
import { CatalogIndex } from "../../src/catalog/index.ts";
import { processMessage } from "../../src/transforms/enrich/process-message.ts";
import { CASES, diagnosticRecord } from "../content-rules/shapes.ts";
import { WorkloadGenerator } from "./enrich.bench.ts";
import { SeededRandom } from "./e2e/random.ts";
import type { BenchRow } from "./run.ts";

export const title = "content rules: processMessage with content rules on vs off vs the JSON.parse + JSON.stringify floor (best of 15 interleaved rounds)";

const ROUNDS = 15;

interface Measured {
  readonly seconds: number;
  /** User CPU time of the process: steadier than wall time on a shared, loaded machine. */
  readonly cpuSeconds: number;
  readonly high: number;
}

function timed(work: () => number): Measured {
  const cpu = process.cpuUsage().user;
  const start = process.hrtime.bigint();
  const high = work();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, cpuSeconds: (process.cpuUsage().user - cpu) / 1e6, high };
}

function floor(messages: readonly Buffer[]): Measured {
  return timed(() => {
    let sink = 0;
    for (const body of messages) sink += JSON.stringify(JSON.parse(body.toString("utf8"))).length;
    if (sink === 0) throw new Error("floor produced nothing");
    return 0;
  });
}

function enrich(messages: readonly Buffer[], lookup: ActivityLookup): Measured {
  return timed(() => enrichAll(messages, lookup));
}

function enrichAll(messages: readonly Buffer[], lookup: ActivityLookup): number {
  let high = 0;
  let sink = 0;
  for (const body of messages) {
    for (const outcome of processMessage(body, { lookup, nonAudit: "pass" }).records) {
      if (outcome.kind !== "enriched") throw new Error(`unexpected outcome ${outcome.kind}`);
      sink += outcome.line.length;
      if (outcome.enrichment.sensitive) high++;
    }
  }
  if (sink === 0) throw new Error("enrich produced nothing");
  return high;
}

const best = (results: Measured[]): Measured => results.reduce((a, b) => (b.seconds < a.seconds ? b : a));
const bestCpu = (results: Measured[]): number => Math.min(...results.map((r) => r.cpuSeconds));

/** Every record's activity has content rules; the fixture cases' content (most of them match). */
function contentHeavy(count: number, perMessage: number): Buffer[] {
  const random = new SeededRandom(11);
  const cores = CASES.filter((c) => c.expect.rule !== null || c.core.activity === "Update user").map((c) => c.core);
  return Array.from({ length: count }, () => Buffer.from(JSON.stringify({ records: Array.from({ length: perMessage }, () => diagnosticRecord(random.pick(cores))) })));
}

const ROUTINE_PROPERTIES = [
  { displayName: "StsRefreshTokensValidFrom", oldValue: '["2024-05-01T08:00:00Z"]', newValue: '["2024-05-14T09:00:00Z"]' },
  { displayName: "Included Updated Properties", oldValue: null, newValue: '"StsRefreshTokensValidFrom"' },
  { displayName: "TargetId.UserType", oldValue: null, newValue: '"Member"' },
];

/**
 * The enrichment benchmark's stream with the modified properties an ordinary
 * tenant mostly logs (token revocation after a password change, with
 * TargetId.UserType), and the generator's AccountEnabled false → true kept on
 * one record in 25: an assumption about a typical mix, not a measurement of one.
 */
function routineContent(generator: WorkloadGenerator, count: number, perMessage: number): Buffer[] {
  const random = new SeededRandom(13);
  return Array.from({ length: count }, () => {
    const records = Array.from({ length: perMessage }, () => {
      const record = generator.auditRecord() as { properties: { targetResources: { modifiedProperties: unknown[] }[] } };
      if (!random.chance(0.04)) record.properties.targetResources[0]!.modifiedProperties = ROUTINE_PROPERTIES;
      return record;
    });
    return Buffer.from(JSON.stringify({ records }));
  });
}

export async function run(): Promise<readonly BenchRow[]> {
  const path = join(DEFAULT_CATALOG_DIR, "index.json");
  const { body, version } = parseArtifact(path, readFileSync(path, "utf8"));
  const on = new CatalogIndex(body, version);
  const stripped = structuredClone(body) as { -readonly [K in keyof ArtifactBody]: ArtifactBody[K] };
  stripped.policy = { ...stripped.policy, contentRules: [] };
  stripped.entries = stripped.entries.map(({ contentRules: _, ...e }) => e);
  const off = new CatalogIndex(stripped, version);

  const generator = new WorkloadGenerator();
  const workloads = [
    { name: "audit only (enrich bench stream)", messages: generator.messages(3000, 4, 0) },
    { name: "same stream, routine content (assumed mix)", messages: routineContent(new WorkloadGenerator(), 3000, 4) },
    { name: "every activity has content rules", messages: contentHeavy(3000, 4) },
  ];
  const rows: BenchRow[] = [];
  for (const { name, messages } of workloads) {
    const bytes = messages.reduce((n, m) => n + m.length, 0);
    const records = messages.length * 4;
    const share = messages.reduce((n, m) => n + (JSON.parse(m.toString("utf8")) as { records: { operationName: string }[] }).records.filter((r) => on.contentRules(r.operationName) !== null).length, 0) / records;
    const runs: Record<"floor" | "off" | "on", Measured[]> = { floor: [], off: [], on: [] };
    for (let round = 0; round < ROUNDS; round++) {
      runs.floor.push(floor(messages));
      runs.off.push(enrich(messages, off));
      runs.on.push(enrich(messages, on));
    }
    const f = best(runs.floor);
    const o = best(runs.off);
    const fCpu = bestCpu(runs.floor);
    const oCpu = bestCpu(runs.off);
    const mb = bytes / 1024 / 1024;
    for (const [path, m, cpu] of [
      ["JSON.parse + JSON.stringify (floor)", f, fCpu],
      ["processMessage, content rules off", o, oCpu],
      ["processMessage, content rules on", best(runs.on), bestCpu(runs.on)],
    ] as const) {
      rows.push({
        workload: name,
        "records with content rules": `${Math.round(share * 100)}%`,
        path,
        "records/s": Math.round(records / m.seconds),
        "MB/s": mb / m.seconds,
        "x floor": f.seconds / m.seconds,
        "x off": o.seconds / m.seconds,
        "x floor (CPU)": fCpu / cpu,
        "x off (CPU)": oCpu / cpu,
        "high records": path.startsWith("JSON") ? "-" : m.high,
      });
    }
  }
  return rows;
}
